"""RespClient against a real redis-server: replies, pipelining, scripts, AUTH/SELECT, failures."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alerts.store.resp import RespClient, RespConnectionError, RespError
from tests.redis_server import RedisServer, free_port
from tests.support import wait_for

pytestmark = pytest.mark.redis

# A command blocked server-side until another client pushes to its list: a reply that is
# certainly still in flight, without relying on DEBUG SLEEP (often disabled).
BLOCK_FOREVER = 0


@pytest.fixture
async def client(redis_url: str) -> AsyncIterator[RespClient]:
    c = RespClient.from_url(redis_url)
    yield c
    await c.close()


@pytest.fixture
async def probe(redis_url: str) -> AsyncIterator[RespClient]:
    """A second client on the same server, to look at what the first one did."""
    c = RespClient.from_url(redis_url)
    yield c
    await c.close()


async def wait_blocked(probe: RespClient, n: int = 1) -> None:
    """Wait until Redis reports `n` clients blocked in a command."""
    for _ in range(2000):
        if f"blocked_clients:{n}\r\n".encode() in await probe.execute("INFO", "clients"):
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"redis never reported {n} blocked clients")


async def connections_received(probe: RespClient) -> int:
    """Return how many connections Redis has accepted since it started."""
    stats = (await probe.execute("INFO", "stats")).decode()
    return int(stats.split("total_connections_received:")[1].split()[0])


# -- replies ------------------------------------------------------------------------


async def test_reply_types(client: RespClient) -> None:
    assert await client.execute("PING") == b"PONG"
    assert await client.execute("SET", "k", "v") == b"OK"
    assert await client.execute("GET", "k") == b"v"
    assert await client.execute("GET", "missing") is None
    assert await client.execute("INCR", "n") == 1
    assert await client.execute("INCRBY", "n", 41) == 42
    assert await client.execute("SET", "f", 1.5) == b"OK"
    assert await client.execute("GET", "f") == b"1.5"
    assert await client.execute("RPUSH", "l", "a", b"b", 3) == 3
    assert await client.execute("LRANGE", "l", 0, -1) == [b"a", b"b", b"3"]
    assert await client.execute("LRANGE", "nothing", 0, -1) == []
    assert await client.execute("HSET", "h", "f", "中文") == 1
    assert (await client.execute("HGET", "h", "f")).decode() == "中文"
    nested = await client.execute(
        "EVAL", "return {1, {ARGV[1], {2, KEYS[1]}}, {}, 'c'}", 1, "key", "arg"
    )
    assert nested == [1, [b"arg", [2, b"key"]], [], b"c"]


async def test_error_reply_raises_and_the_connection_stays_usable(client: RespClient) -> None:
    await client.execute("SET", "s", "text")
    with pytest.raises(RespError, match="not an integer"):
        await client.execute("INCR", "s")
    with pytest.raises(RespError, match="WRONGTYPE"):
        await client.execute("LPUSH", "s", "x")
    with pytest.raises(RespError, match="unknown command"):
        await client.execute("NO_SUCH_COMMAND")
    with pytest.raises(RespError, match="boom"):
        await client.execute("EVAL", "return redis.error_reply('boom')", 0)
    # The replies after an error still go to the right callers.
    assert await client.execute("GET", "s") == b"text"
    assert await client.execute("INCR", "n") == 1
    # Many errors and successes in flight together stay matched.
    results = await asyncio.gather(
        *(client.execute("INCR", "s" if i % 3 == 0 else "m") for i in range(30)),
        return_exceptions=True,
    )
    for i, result in enumerate(results):
        if i % 3 == 0:
            assert isinstance(result, RespError)
    assert [r for r in results if not isinstance(r, BaseException)] == list(range(1, 21))


async def test_execute_many_returns_replies_in_order(client: RespClient) -> None:
    replies = await client.execute_many(
        [
            ("SET", "a", "1"),
            ("INCR", "a"),
            ("GET", "a"),
            ("RPUSH", "l", "x", "y"),
            ("LRANGE", "l", 0, -1),
            ("GET", "missing"),
            ("EXISTS", "a", "l", "missing"),
        ]
    )
    assert replies == [b"OK", 2, b"2", 2, [b"x", b"y"], None, 2]
    assert await client.execute_many([]) == []


async def test_execute_many_raises_the_first_error_and_runs_the_rest(
    client: RespClient,
) -> None:
    await client.execute("SET", "s", "text")
    with pytest.raises(RespError, match="not an integer"):
        await client.execute_many(
            [("SET", "before", "1"), ("INCR", "s"), ("LPUSH", "s", "x"), ("SET", "after", "2")]
        )
    # Sent together, so the commands after the error ran too.
    assert await client.execute_many([("GET", "before"), ("GET", "after")]) == [b"1", b"2"]


async def test_thousands_of_concurrent_commands_are_answered_in_order(
    client: RespClient,
) -> None:
    n = 3000
    replies = await asyncio.gather(*(client.execute("INCR", "counter") for _ in range(n)))
    # One connection: sent in call order, answered in call order.
    assert replies == list(range(1, n + 1))
    assert await client.execute("GET", "counter") == str(n).encode()
    # Interleaved kinds of commands keep their own replies.
    mixed = await asyncio.gather(
        *(
            client.execute("INCR", "other") if i % 2 else client.execute("GET", "counter")
            for i in range(2000)
        )
    )
    assert mixed[0::2] == [str(n).encode()] * 1000
    assert mixed[1::2] == list(range(1, 1001))


async def test_concurrent_callers_on_a_fresh_client_share_one_connection(
    redis_url: str, probe: RespClient
) -> None:
    client = RespClient.from_url(redis_url)
    try:
        before = await connections_received(probe)
        replies = await asyncio.gather(*(client.execute("INCR", "c") for _ in range(500)))
        assert sorted(replies) == list(range(1, 501))
        assert await connections_received(probe) == before + 1
    finally:
        await client.close()


# Values that look like RESP framing, besides arbitrary bytes.
TRICKY_BYTES = [b"", b"\r\n", b"\x00", b"a\r\nb", b"$3\r\nfoo\r\n", b"-ERR x\r\n", b"\x00\r\n"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.binary(max_size=2048) | st.sampled_from(TRICKY_BYTES), min_size=1, max_size=20))
def test_bytes_values_round_trip_exactly(redis_server: RedisServer, values: list[bytes]) -> None:
    async def round_trip() -> None:
        client = RespClient(port=redis_server.port)
        try:
            await client.execute_many([("SET", f"hyp:{i}", v) for i, v in enumerate(values)])
            got = await asyncio.gather(
                *(client.execute("GET", f"hyp:{i}") for i in range(len(values)))
            )
            assert got == values
            await client.execute("DEL", "hyp:list")
            await client.execute("RPUSH", "hyp:list", *values)
            assert await client.execute("LRANGE", "hyp:list", 0, -1) == values
        finally:
            await client.close()

    asyncio.run(round_trip())


# -- scripts --------------------------------------------------------------------------

INCR_AND_ECHO = "return {redis.call('INCR', KEYS[1]), ARGV[1], {KEYS[1]}}"


async def command_calls(client: RespClient, name: str) -> int:
    """Return how often Redis ran a command since the last CONFIG RESETSTAT."""
    stats = (await client.execute("INFO", "commandstats")).decode()
    for line in stats.splitlines():
        if line.startswith(f"cmdstat_{name}:"):
            return int(line.split("calls=")[1].split(",")[0])
    return 0


async def test_script_runs_by_sha_and_is_reloaded_after_script_flush(
    client: RespClient, probe: RespClient
) -> None:
    script = client.script(INCR_AND_ECHO)
    assert await probe.execute("SCRIPT", "EXISTS", script.sha) == [0]
    await probe.execute("CONFIG", "RESETSTAT")
    assert await script(keys=["n"], args=["x"]) == [1, b"x", [b"n"]]  # NOSCRIPT: loaded
    assert await probe.execute("SCRIPT", "EXISTS", script.sha) == [1]
    assert await script(keys=["n"], args=[b"y"]) == [2, b"y", [b"n"]]
    await probe.execute("SCRIPT", "FLUSH")
    assert await probe.execute("SCRIPT", "EXISTS", script.sha) == [0]
    assert await script(keys=["n"], args=[3]) == [3, b"3", [b"n"]]
    assert await probe.execute("SCRIPT", "EXISTS", script.sha) == [1]
    assert await command_calls(probe, "eval") == 0  # never the source, always the SHA
    assert await command_calls(probe, "script|load") == 2  # once per flush
    assert await command_calls(probe, "evalsha") >= 3


async def test_script_error_raises_resp_error(client: RespClient) -> None:
    bad = client.script("return redis.call('INCR', KEYS[1])")
    await client.execute("SET", "s", "text")
    with pytest.raises(RespError, match="not an integer"):
        await bad(keys=["s"])
    assert await bad(keys=["n"]) == 1


async def test_execute_many_reloads_flushed_scripts(client: RespClient, probe: RespClient) -> None:
    incr = client.script(INCR_AND_ECHO)
    echo = client.script("return ARGV")
    await incr(keys=["n"], args=["warm"])
    await echo(args=["warm"])
    await probe.execute("SCRIPT", "FLUSH")
    replies = await client.execute_many(
        [
            incr.args(["n"], ["a"]),
            ("SET", "plain", "1"),
            echo.args([], ["b", "c"]),
            incr.args(["n"], ["d"]),
        ],
        scripts=[incr, None, echo, incr],
    )
    assert replies == [[2, b"a", [b"n"]], b"OK", [b"b", b"c"], [3, b"d", [b"n"]]]
    assert await probe.execute("SCRIPT", "EXISTS", incr.sha, echo.sha) == [1, 1]
    assert await client.execute("GET", "n") == b"3"  # each script ran exactly once


async def test_noscript_without_its_script_is_an_error(
    client: RespClient, probe: RespClient
) -> None:
    script = client.script("return 1")
    await client.execute("PING")  # connected (which loads the script), then flushed
    await probe.execute("SCRIPT", "FLUSH")
    with pytest.raises(RespError, match="NOSCRIPT"):
        await client.execute_many([script.args([], [])])  # no scripts=: nothing to reload


@pytest.mark.xfail(
    strict=True,
    reason="after SCRIPT FLUSH on a live connection, execute_many re-sends a NOSCRIPT "
    "command after the batch, so its effect lands after the later commands of the same "
    "batch (documented in alerts/store/resp.py; RedisStore batches only reads)",
)
async def test_reloaded_script_runs_before_the_commands_after_it(
    client: RespClient, probe: RespClient
) -> None:
    incr = client.script("return redis.call('INCR', KEYS[1])")
    await client.execute("PING")  # connected (which loads the script), then flushed
    await probe.execute("SCRIPT", "FLUSH")
    replies = await client.execute_many([incr.args(["n"], []), ("GET", "n")], scripts=[incr])
    assert replies == [1, b"1"]  # actual: [1, None] -- the GET ran before the INCR


# -- AUTH and SELECT from the URL ----------------------------------------------------------


async def test_select_from_url_db(redis_server: RedisServer, redis_url: str) -> None:
    port = redis_server.port
    db3 = RespClient.from_url(f"redis://127.0.0.1:{port}/3")
    db3_again = RespClient.from_url(f"redis://127.0.0.1:{port}/3")
    db0 = RespClient.from_url(f"redis://127.0.0.1:{port}/0")
    try:
        assert await db3.execute("SET", "where", "three") == b"OK"
        assert await db0.execute("GET", "where") is None
        assert await db3_again.execute("GET", "where") == b"three"
        assert await db0.execute("SET", "where", "zero") == b"OK"
        assert await db3.execute("GET", "where") == b"three"
        assert b" db=3 " in await db3.execute("CLIENT", "INFO")
    finally:
        for c in (db3, db3_again, db0):
            await c.close()


@pytest.fixture
def password_server(redis_factory: Callable[..., RedisServer]) -> RedisServer:
    """A private redis-server requiring a password (closed by redis_factory)."""
    server = redis_factory()
    assert server.command("CONFIG", "SET", "requirepass", "s3cret") == b"+OK\r\n"
    return server


async def test_auth_with_the_right_password(password_server: RedisServer) -> None:
    port = password_server.port
    client = RespClient.from_url(f"redis://:s3cret@127.0.0.1:{port}/0")
    in_db2 = RespClient.from_url(f"redis://:s3cret@127.0.0.1:{port}/2")
    try:
        assert await client.execute("PING") == b"PONG"
        assert await in_db2.execute("SET", "k", "2") == b"OK"
        assert await client.execute("GET", "k") is None
        assert await in_db2.execute("GET", "k") == b"2"
    finally:
        await client.close()
        await in_db2.close()


async def test_auth_with_an_acl_user(password_server: RedisServer) -> None:
    port = password_server.port
    admin = RespClient.from_url(f"redis://:s3cret@127.0.0.1:{port}/0")
    user = RespClient.from_url(f"redis://alice:wonder%40land@127.0.0.1:{port}/0")
    try:
        ok = await admin.execute("ACL", "SETUSER", "alice", "on", ">wonder@land", "~*", "+@all")
        assert ok == b"OK"
        assert await user.execute("ACL", "WHOAMI") == b"alice"
    finally:
        await admin.close()
        await user.close()


async def test_auth_with_a_wrong_password_is_a_connection_error(
    password_server: RedisServer,
) -> None:
    port = password_server.port
    client = RespClient.from_url(f"redis://:wrong@127.0.0.1:{port}/0", retries=0)
    try:
        with pytest.raises(RespConnectionError, match=r"redis refused 'AUTH': WRONGPASS"):
            await client.execute("PING")
    finally:
        await client.close()
    # With retries it still fails (bounded), with the same message.
    retrying = RespClient.from_url(
        f"redis://:wrong@127.0.0.1:{port}/0", retries=2, backoff_base=0.01
    )
    try:
        with pytest.raises(RespConnectionError, match="WRONGPASS"):
            await retrying.execute("PING")
    finally:
        await retrying.close()


async def test_no_password_on_a_protected_server_is_a_command_error(
    password_server: RedisServer,
) -> None:
    client = RespClient(port=password_server.port)
    try:
        with pytest.raises(RespError, match="NOAUTH"):
            await client.execute("GET", "k")
    finally:
        await client.close()


# -- failures -----------------------------------------------------------------------------


@pytest.mark.timeout(60)
async def test_killed_redis_fails_commands_then_the_same_client_recovers(
    redis_factory: Callable[..., RedisServer],
) -> None:
    server = redis_factory()
    client = RespClient.from_url(server.url, retries=2, backoff_base=0.01)
    try:
        assert await client.execute("SET", "k", "v") == b"OK"
        await asyncio.to_thread(server.kill)
        with pytest.raises(RespConnectionError):
            await client.execute("GET", "k")
        with pytest.raises(RespConnectionError, match="cannot connect"):
            await client.execute_many([("GET", "k"), ("GET", "k")])
        await asyncio.to_thread(server.start)  # same port, empty (no persistence)
        assert await client.execute("GET", "k") is None
        assert await client.execute("SET", "k", "again") == b"OK"
        assert await client.execute("GET", "k") == b"again"
        replies = await asyncio.gather(*(client.execute("INCR", "n") for _ in range(100)))
        assert replies == list(range(1, 101))
    finally:
        await client.close()


@pytest.mark.timeout(60)
async def test_restart_while_idle_is_ridden_out_by_the_retries(
    redis_factory: Callable[..., RedisServer],
) -> None:
    server = redis_factory()
    client = RespClient.from_url(server.url)
    try:
        assert await client.execute("PING") == b"PONG"
        await asyncio.to_thread(server.restart, hard=True)
        # The old connection is dead; the retry opens a new one to the new server.
        assert await client.execute("PING") == b"PONG"
    finally:
        await client.close()


@pytest.mark.timeout(60)
@pytest.mark.parametrize("retry", [False, True])
async def test_commands_in_flight_when_redis_dies_fail_never_hang(
    redis_factory: Callable[..., RedisServer], retry: bool
) -> None:
    server = redis_factory()
    client = RespClient.from_url(server.url, timeout=60.0, retries=2, backoff_base=0.01)
    probe = RespClient.from_url(server.url)
    try:
        blocked = asyncio.create_task(client.execute("BLPOP", "q", BLOCK_FOREVER, retry=retry))
        behind = asyncio.create_task(client.execute("GET", "k", retry=retry))
        await wait_blocked(probe)
        assert not blocked.done() and not behind.done()
        await asyncio.to_thread(server.kill)
        expected = "connection lost" if not retry else "cannot connect"
        for task in (blocked, behind):
            with pytest.raises(RespConnectionError, match=expected):
                await task
    finally:
        await client.close()
        await probe.close()


@dataclass
class SilentServer:
    """A TCP server that accepts connections, reads everything and never answers."""

    port: int = 0
    received: list[bytes] = field(default_factory=list)
    connections: list[asyncio.Transport] = field(default_factory=list)
    lost: list[asyncio.Event] = field(default_factory=list)
    data_seen: asyncio.Event = field(default_factory=asyncio.Event)


class _SilentProtocol(asyncio.Protocol):
    def __init__(self, server: SilentServer) -> None:
        self.server = server
        self.gone = asyncio.Event()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.server.connections.append(transport)
        self.server.lost.append(self.gone)

    def data_received(self, data: bytes) -> None:
        self.server.received.append(data)
        self.server.data_seen.set()

    def connection_lost(self, exc: Exception | None) -> None:
        self.gone.set()


@pytest.fixture
async def silent_server() -> AsyncIterator[SilentServer]:
    silent = SilentServer()
    server = await asyncio.get_running_loop().create_server(
        lambda: _SilentProtocol(silent), "127.0.0.1", 0
    )
    silent.port = server.sockets[0].getsockname()[1]
    yield silent
    server.close()
    for transport in silent.connections:
        transport.abort()
    for gone in silent.lost:
        await gone.wait()
    await server.wait_closed()
    await asyncio.sleep(0.01)  # the clients' side of those sockets sees them close


async def test_reply_timeout_drops_a_silent_connection(silent_server: SilentServer) -> None:
    client = RespClient(host="127.0.0.1", port=silent_server.port, timeout=0.3, retries=0)
    try:
        with pytest.raises(RespConnectionError, match=r"no reply from redis within 0\.3s"):
            await client.execute("PING")
        assert b"".join(silent_server.received) == b"*1\r\n$4\r\nPING\r\n"
        await asyncio.wait_for(silent_server.lost[0].wait(), 10)  # the client hung up
        # Everything in flight on that connection fails with it.
        results = await asyncio.gather(
            client.execute("GET", "a"), client.execute("GET", "b"), return_exceptions=True
        )
        assert all(isinstance(r, RespConnectionError) for r in results), results
        assert len(silent_server.connections) == 2  # a new connection for the next calls
    finally:
        await client.close()


async def test_reply_timeout_is_retried_on_a_new_connection(
    silent_server: SilentServer,
) -> None:
    client = RespClient(port=silent_server.port, timeout=0.2, retries=2, backoff_base=0.01)
    try:
        with pytest.raises(RespConnectionError, match="no reply from redis within"):
            await client.execute("SET", "k", "v")
        assert len(silent_server.connections) == 3  # the first attempt and two retries
    finally:
        await client.close()


async def test_reply_timeout_on_real_redis_then_the_client_goes_on(
    client: RespClient, probe: RespClient, redis_url: str
) -> None:
    slow = RespClient.from_url(redis_url, timeout=0.5, retries=0)
    try:
        with pytest.raises(RespConnectionError, match="no reply"):
            await slow.execute("BLPOP", "q", BLOCK_FOREVER)
        assert await slow.execute("SET", "k", "v") == b"OK"
        assert await slow.execute("GET", "k") == b"v"
        # The abandoned BLPOP died with its connection: a push is not swallowed.
        await probe.execute("RPUSH", "q", "x")
        assert await probe.execute("LRANGE", "q", 0, -1) == [b"x"]
    finally:
        await slow.close()


async def test_idle_connection_is_not_timed_out(redis_url: str) -> None:
    client = RespClient.from_url(redis_url, timeout=0.2, retries=0)
    try:
        assert await client.execute("SET", "k", "v") == b"OK"
        await asyncio.sleep(0.7)  # several watchdog periods with nothing in flight
        assert await client.execute("GET", "k") == b"v"
    finally:
        await client.close()


@pytest.mark.parametrize("retries", [0, 2])
async def test_connect_refused(retries: int) -> None:
    client = RespClient(port=free_port(), retries=retries, backoff_base=0.01)
    try:
        with pytest.raises(RespConnectionError, match="cannot connect to redis"):
            await client.execute("PING")
        with pytest.raises(RespConnectionError, match="cannot connect to redis"):
            await client.execute("PING", retry=False)
    finally:
        await client.close()


async def test_cancelled_caller_leaves_replies_matched(redis_url: str, probe: RespClient) -> None:
    client = RespClient.from_url(redis_url, timeout=60.0)
    try:
        await client.execute("SET", "k", "value-k")
        blocked = asyncio.create_task(client.execute("BLPOP", "q", BLOCK_FOREVER))
        behind = asyncio.create_task(client.execute("GET", "k"))
        await wait_blocked(probe)
        blocked.cancel()
        with pytest.raises(asyncio.CancelledError):
            await blocked
        # The cancelled caller's reply (BLPOP's [q, x]) comes first and is dropped.
        await probe.execute("RPUSH", "q", "x")
        assert await behind == b"value-k"
        assert await client.execute("GET", "k") == b"value-k"
        assert await client.execute("SET", "k2", "v2") == b"OK"
        got = await asyncio.gather(*(client.execute("GET", key) for key in ("k2", "k", "no")))
        assert got == [b"v2", b"value-k", None]
        assert await probe.execute("LLEN", "q") == 0  # the cancelled BLPOP did pop it
    finally:
        await client.close()


async def test_cancelled_callers_among_many_leave_the_rest_matched(client: RespClient) -> None:
    await client.execute("PING")
    tasks = [asyncio.create_task(client.execute("ECHO", f"m{i}")) for i in range(200)]
    await asyncio.sleep(0)  # all sent together, none answered yet
    for task in tasks[::3]:
        task.cancel()
    done = await asyncio.gather(*tasks, return_exceptions=True)
    for i, result in enumerate(done):
        if i % 3 == 0:
            assert isinstance(result, asyncio.CancelledError)
        else:
            assert result == f"m{i}".encode()
    assert await client.execute("SET", "after", "ok") == b"OK"
    assert await client.execute("GET", "after") == b"ok"


async def test_cancelled_execute_many_leaves_the_rest_matched(
    client: RespClient, probe: RespClient
) -> None:
    await client.execute("SET", "k", "v")
    batch = asyncio.create_task(
        client.execute_many([("BLPOP", "q", BLOCK_FOREVER), ("GET", "k"), ("INCR", "n")])
    )
    behind = asyncio.create_task(client.execute("GET", "k"))
    await wait_blocked(probe)
    batch.cancel()
    with pytest.raises(asyncio.CancelledError):
        await batch
    await probe.execute("RPUSH", "q", "x")
    assert await behind == b"v"
    assert await client.execute("GET", "n") == b"1"


async def test_cancelling_the_connecting_caller_spares_the_others(
    silent_server: SilentServer,
) -> None:
    # db=3: the connection waits for SELECT's reply, which the silent server never sends.
    client = RespClient(port=silent_server.port, db=3, timeout=0.3, retries=0)
    try:
        opener = asyncio.create_task(client.execute("PING"))
        await silent_server.data_seen.wait()  # SELECT sent: the opener is inside the connect
        joiner = asyncio.create_task(client.execute("PING"))
        await asyncio.sleep(0.01)  # the joiner waits for the same connection
        opener.cancel()
        await asyncio.wait([opener, joiner])
        assert opener.cancelled()
        # Nobody cancelled the joiner: it should get its own outcome (here the reply
        # timeout on a new connection), not the opener's cancellation.
        assert not joiner.cancelled()
        assert isinstance(joiner.exception(), RespConnectionError)
    finally:
        await client.close()
    # The watchdog drops the orphaned connection: the server sees every one of them close.
    await wait_for(lambda: all(gone.is_set() for gone in silent_server.lost), 5, "closed")


async def test_close_fails_later_calls(redis_url: str) -> None:
    client = RespClient.from_url(redis_url)
    assert await client.execute("PING") == b"PONG"
    await client.close()
    with pytest.raises(RespConnectionError, match="closed"):
        await client.execute("PING")
    with pytest.raises(RespConnectionError, match="closed"):
        await client.execute_many([("PING",)], retry=False)
    await client.close()  # twice is fine


async def test_close_fails_commands_in_flight(redis_url: str, probe: RespClient) -> None:
    client = RespClient.from_url(redis_url, timeout=60.0)
    blocked = asyncio.create_task(client.execute("BLPOP", "q", BLOCK_FOREVER))
    await wait_blocked(probe)
    await client.close()
    with pytest.raises(RespConnectionError, match="redis client closed"):
        await blocked


async def test_close_before_first_use(redis_url: str) -> None:
    client = RespClient.from_url(redis_url)
    await client.close()
    with pytest.raises(RespConnectionError, match="closed"):
        await client.execute("PING")


async def test_close_while_connecting_fails_later_calls(redis_url: str) -> None:
    client = RespClient.from_url(redis_url)
    first = asyncio.create_task(client.execute("PING"))
    await asyncio.sleep(0)  # the first call is opening the connection
    try:
        await client.close()
        await asyncio.gather(first, return_exceptions=True)
        with pytest.raises(RespConnectionError, match="closed"):
            await client.execute("PING")  # actual: b"PONG"
    finally:
        await client.close()  # now closes the connection kept after the first close


async def test_a_new_connection_loads_every_script_first(
    client: RespClient, probe: RespClient
) -> None:
    """Scripts are loaded before the first command, so a batch of scripts meets no NOSCRIPT."""
    incr = client.script("return redis.call('INCR', KEYS[1])")
    await probe.execute("SCRIPT", "FLUSH")
    replies = await client.execute_many(
        [incr.args(["m"], []), ("GET", "m"), incr.args(["m"], [])], scripts=[incr, None, incr]
    )
    assert replies == [1, b"1", 2]
    assert await probe.execute("SCRIPT", "EXISTS", incr.sha) == [1]
