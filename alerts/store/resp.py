"""A lean, auto-pipelined Redis client for the store's per-event commands.

redis-py's asyncio client spends 100-160 µs of CPU on every command (connection pool,
retry wrapper, timeouts, observability hooks) -- more than detecting a comment. The alert
store sends several commands for every flagged comment, so it talks to Redis through this
client instead: one connection, commands packed by hiredis and written together once per
event-loop turn, replies parsed by hiredis and handed back in order. A command costs
about 30 µs alone and a few µs when several are in flight (bench/bench_store.py).

What it keeps of a full client: AUTH and SELECT from the URL (redis://, rediss://,
unix://), a connect timeout, a reply timeout (a connection whose oldest reply is overdue
is dropped, failing what it carried), reconnection with exponential back-off for a few
attempts (a command may run twice if the connection drops after Redis ran it, as with
redis-py's retries), and Lua scripts by SHA, loaded on every new connection and again
on NOSCRIPT (after a SCRIPT FLUSH on a live connection, a script of a batch that met
NOSCRIPT runs after the batch's later commands: the store batches only reads).

With a resolver (alerts/store/connect.py: Redis Sentinel) each new connection asks it for
the master's address and checks with ROLE that it reached the master; a reply saying the
server was demoted (READONLY, UNBLOCKED, MASTERDOWN) drops the connection and counts as a
connection failure, so the retry finds the promoted replica.
"""

from __future__ import annotations

import asyncio
import hashlib
import ssl as ssl_module
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

import hiredis
from redis.asyncio.connection import SSLConnection, UnixDomainSocketConnection, parse_url
from redis.exceptions import RedisError

Arg = bytes | str | int | float


def _pack(command: Sequence[Arg]) -> bytes:
    packed: bytes = hiredis.pack_command(tuple(command))  # type: ignore[arg-type]
    return packed


def _retrieve(future: asyncio.Future[Any]) -> None:
    """Mark a future's outcome as seen (its awaiters, if any, still get it)."""
    if not future.cancelled():
        future.exception()


class RespError(Exception):
    """Redis answered a command with an error reply."""


class RespConnectionError(ConnectionError):
    """The connection to Redis failed, dropped or timed out before the reply came."""


# Replies that mean the server is no longer the master (a failover demoted it): the
# connection is dropped, so the next attempt asks the resolver (Sentinel) where it is now.
_DEMOTED = ("READONLY", "UNBLOCKED", "MASTERDOWN")

Resolver = Callable[[], Awaitable[tuple[str, int]]]


class _Connection(asyncio.Protocol):
    """One socket: writes queued commands once per loop turn, resolves replies in order."""

    def __init__(self, timeout: float) -> None:
        self._loop = asyncio.get_running_loop()
        self._reader = hiredis.Reader()
        self._waiting: deque[tuple[asyncio.Future[Any], float]] = deque()
        self._out: list[bytes] = []
        self._transport: asyncio.Transport | None = None
        self._timeout = timeout
        self._watch: asyncio.TimerHandle | None = None
        self.closed = False

    # -- asyncio.Protocol -----------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        reader, waiting = self._reader, self._waiting
        try:
            reader.feed(data)
            while (reply := reader.gets()) is not False:
                future = waiting.popleft()[0]
                if future.done():
                    continue  # its caller gave up (cancelled)
                if isinstance(reply, hiredis.ReplyError):
                    future.set_exception(RespError(str(reply)))
                    future.exception()  # its awaiter still gets it; never logged as lost
                else:
                    future.set_result(reply)
        except (hiredis.ProtocolError, IndexError) as exc:
            self._fail(RespConnectionError(f"redis protocol error: {exc}"))

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(RespConnectionError(f"redis connection lost: {exc or 'closed by peer'}"))

    # -- sending ----------------------------------------------------------------
    def send(self, packed: bytes) -> asyncio.Future[Any]:
        if self.closed:
            raise RespConnectionError("redis connection is closed")
        future = self._loop.create_future()
        if not self._out:
            self._loop.call_soon(self._flush)
        self._out.append(packed)
        self._waiting.append((future, time.monotonic()))
        if self._watch is None:
            self._watch = self._loop.call_later(self._timeout, self._check_overdue)
        return future

    def _flush(self) -> None:
        if self._out and self._transport is not None and not self.closed:
            self._transport.write(b"".join(self._out))
        self._out.clear()

    def _check_overdue(self) -> None:
        self._watch = None
        if not self._waiting or self.closed:
            return
        oldest = self._waiting[0][1]
        overdue = time.monotonic() - oldest
        if overdue >= self._timeout:
            self._fail(RespConnectionError(f"no reply from redis within {self._timeout:g}s"))
            return
        self._watch = self._loop.call_later(self._timeout - overdue, self._check_overdue)

    def _fail(self, error: RespConnectionError) -> None:
        self.closed = True
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None
        if self._transport is not None:
            self._transport.abort()
        self._out.clear()
        while self._waiting:
            future = self._waiting.popleft()[0]
            if not future.done():
                future.set_exception(error)
                future.exception()  # its awaiter still gets it; never logged as lost

    def close(self) -> None:
        self._fail(RespConnectionError("redis client closed"))


class ClusterClientLike(Protocol):
    """What a Script needs of its client (RespClient, or the cluster client built on it)."""

    async def execute_many(
        self,
        commands: Sequence[Sequence[Arg]],
        *,
        scripts: Sequence[Script | None] = (),
        retry: bool = True,
    ) -> list[Any]: ...


class Script:
    """A Lua script run by its SHA1, loaded again when Redis answers NOSCRIPT."""

    def __init__(self, client: RespClient | ClusterClientLike, source: str) -> None:
        self.client = client
        self.source = source.encode()
        self.sha = hashlib.sha1(self.source).hexdigest()

    def args(self, keys: Sequence[Arg], args: Sequence[Arg]) -> tuple[Arg, ...]:
        return ("EVALSHA", self.sha, len(keys), *keys, *args)

    async def __call__(self, keys: Sequence[Arg] = (), args: Sequence[Arg] = ()) -> Any:
        return (await self.client.execute_many([self.args(keys, args)], scripts=[self]))[0]


class RespClient:
    """Send commands to one Redis over one pipelined connection (see the module doc)."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 6379,
        path: str | None = None,
        ssl: ssl_module.SSLContext | None = None,
        username: str | None = None,
        password: str | None = None,
        db: int = 0,
        timeout: float = 5.0,
        connect_timeout: float = 2.0,
        retries: int = 3,
        backoff_base: float = 0.05,
        backoff_cap: float = 1.0,
        resolver: Resolver | None = None,
    ) -> None:
        self._host, self._port, self._path, self._ssl = host, port, path, ssl
        # With a resolver (Sentinel), every new connection asks it for the master's address
        # and checks with ROLE that the server it reached is the master.
        self._resolver = resolver
        self._username, self._password, self._db = username, password, db
        self._timeout, self._connect_timeout = timeout, connect_timeout
        self._retries, self._backoff_base, self._backoff_cap = retries, backoff_base, backoff_cap
        self._conn: _Connection | None = None
        self._connecting: asyncio.Future[_Connection] | None = None
        self._scripts: dict[str, bytes] = {}
        self._closed = False
        # Commands every new connection runs after its scripts are loaded, before any other
        # (the store raises its feed counter there after a failover: see RedisStore).
        self.on_connect: Callable[[], Sequence[Sequence[Arg]]] | None = None

    @classmethod
    def from_url(
        cls, url: str, *, tls: ssl_module.SSLContext | None = None, **kwargs: Any
    ) -> RespClient:
        """Build a client from a redis://, rediss:// or unix:// URL (user, password, db).

        `tls`, when given, is used for the connection (whatever the scheme says).
        """
        parsed = parse_url(url)
        kind = parsed.get("connection_class")
        context: ssl_module.SSLContext | None = tls
        if kind is SSLConnection and context is None:
            context = ssl_module.create_default_context()
            if str(parsed.get("ssl_cert_reqs", "required")).lower() in ("none", "optional"):
                context.check_hostname = False
                context.verify_mode = ssl_module.CERT_NONE
        return cls(
            host=str(parsed.get("host", "127.0.0.1")),
            port=int(parsed.get("port", 6379)),
            path=str(parsed["path"]) if kind is UnixDomainSocketConnection else None,
            ssl=context,
            username=parsed.get("username"),
            password=parsed.get("password"),
            db=int(parsed.get("db", 0) or 0),
            **kwargs,
        )

    def script(self, source: str) -> Script:
        """Return a script object; every new connection loads it before other commands."""
        script = Script(self, source)
        self.load_on_connect(script)
        return script

    def load_on_connect(self, script: Script) -> None:
        """Load a script (made for this client or another) on every new connection."""
        self._scripts[script.sha] = script.source

    @property
    def address(self) -> tuple[str, int]:
        return self._host, self._port

    async def execute(self, *args: Arg, retry: bool = True) -> Any:
        """Send one command and return its reply (an error reply raises RespError)."""
        return (await self.execute_many([args], retry=retry))[0]

    async def execute_many(
        self,
        commands: Sequence[Sequence[Arg]],
        *,
        scripts: Sequence[Script | None] = (),
        retry: bool = True,
        raise_errors: bool = True,
    ) -> list[Any]:
        """Send commands together and return their replies in order.

        `scripts[i]`, when given, is the script command i runs by SHA: on NOSCRIPT it is
        loaded and the command sent again. The first error reply is raised, or with
        raise_errors=False returned in its place (a RespError).
        """
        packed = [_pack(c) for c in commands]
        attempts = self._retries + 1 if retry else 1
        for attempt in range(attempts):
            try:
                replies = await self._send(packed)
                break
            except RespConnectionError:
                if attempt + 1 == attempts:
                    raise
                await asyncio.sleep(min(self._backoff_cap, self._backoff_base * 2**attempt))
        else:  # pragma: no cover - the loop either breaks or raises
            raise AssertionError("unreachable")
        for i, reply in enumerate(replies):
            if isinstance(reply, RespError):
                script = scripts[i] if i < len(scripts) else None
                if script is not None and str(reply).startswith("NOSCRIPT"):
                    await self.execute("SCRIPT", "LOAD", script.source)
                    replies[i] = (await self.execute_many([commands[i]], raise_errors=False))[0]
                    if raise_errors and isinstance(replies[i], RespError):
                        raise replies[i]
                elif raise_errors:
                    raise reply
        return replies

    async def _send(self, packed: list[bytes]) -> list[Any]:
        conn = self._conn
        if conn is None or conn.closed:
            conn = await self._connection()
        futures = [conn.send(p) for p in packed]
        out: list[Any] = []
        for future in futures:
            try:
                out.append(await future)
            except RespError as exc:
                out.append(exc)
        for reply in out:
            if isinstance(reply, RespError) and str(reply).startswith(_DEMOTED):
                conn.close()
                raise RespConnectionError(f"redis is not the master any more: {reply}")
        return out

    async def _connection(self) -> _Connection:
        if self._closed:
            raise RespConnectionError("redis client closed")
        if self._connecting is None:
            # A task of its own: a caller cancelled while it waits must not cancel the
            # connection every other caller is waiting for.
            self._connecting = asyncio.ensure_future(self._open_and_keep())
            self._connecting.add_done_callback(_retrieve)
        return await asyncio.shield(self._connecting)

    async def _open_and_keep(self) -> _Connection:
        try:
            conn = await self._open()
        except asyncio.CancelledError:
            if self._closed:  # close() stopped it: its waiters get a connection error
                raise RespConnectionError("redis client closed") from None
            raise
        finally:
            self._connecting = None
        if self._closed:  # closed while this connection was being opened
            conn.close()
            raise RespConnectionError("redis client closed")
        self._conn = conn
        return conn

    async def _open(self) -> _Connection:
        loop = asyncio.get_running_loop()
        factory = lambda: _Connection(self._timeout)  # noqa: E731
        if self._resolver is not None:
            try:
                async with asyncio.timeout(self._connect_timeout):
                    self._host, self._port = await self._resolver()
            except (RedisError, OSError, TimeoutError) as exc:
                raise RespConnectionError(f"no redis master: {exc or 'timed out'}") from exc
        try:
            if self._path is not None:
                opening = loop.create_unix_connection(factory, self._path)
            else:
                opening = loop.create_connection(
                    factory,
                    self._host,
                    self._port,
                    ssl=self._ssl,
                    server_hostname=self._host if self._ssl is not None else None,
                )
            _, conn = await asyncio.wait_for(opening, self._connect_timeout)
        except (OSError, TimeoutError) as exc:
            raise RespConnectionError(f"cannot connect to redis: {exc or 'timed out'}") from exc
        hello: list[tuple[Arg, ...]] = []
        if self._password:
            auth: tuple[Arg, ...] = ("AUTH", self._password)
            hello.append(("AUTH", self._username, self._password) if self._username else auth)
        if self._db:
            hello.append(("SELECT", self._db))
        # Every script is loaded before the first command, so a batch never meets NOSCRIPT
        # unless someone runs SCRIPT FLUSH while this connection is open.
        hello.extend(("SCRIPT", "LOAD", source) for source in self._scripts.values())
        try:
            for command in hello:
                try:
                    await conn.send(_pack(command))
                except RespError as exc:
                    raise RespConnectionError(f"redis refused {command[0]!r}: {exc}") from exc
            if self._resolver is not None:
                role = await conn.send(_pack(("ROLE",)))
                if not role or role[0] != b"master":
                    found = role[0].decode() if role else "unknown"
                    raise RespConnectionError(
                        f"redis at {self._host}:{self._port} is a {found}, not the master"
                    )
            for first in self.on_connect() if self.on_connect is not None else ():
                try:
                    await conn.send(_pack(first))
                except RespError as exc:
                    raise RespConnectionError(f"redis refused {first[0]!r}: {exc}") from exc
        except BaseException:
            conn.close()
            raise
        return conn

    async def close(self) -> None:
        self._closed = True
        if self._connecting is not None:
            self._connecting.cancel()
        if self._conn is not None:
            self._conn.close()
            self._conn = None
