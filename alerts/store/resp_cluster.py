"""The store's lean client on Redis Cluster: slot routing, MOVED, ASK and shard failover.

One RespClient (one pipelined connection) per master; each command goes to the master
that owns its key's slot (CRC16 of the key or of its `{hash tag}`, as Redis computes it),
the commands of one call to one node go in one write, and the replies come back in the
caller's order. When Redis answers MOVED the slot map is read again (`CLUSTER SLOTS` from
any node that answers) and the command resent where it now lives; ASK (a slot being
migrated) sends `ASKING` and the command to the importing node, once; a node that cannot
be reached makes the map be read again after a back-off, so a shard whose master died is
served by its promoted replica once the cluster has failed over. Scripts are loaded on
every node's connection. A command with several keys must keep them in one slot (a Lua
script's keys included), as Redis itself requires.

The store (alerts/store/redis.py) uses it when `store.cluster` is set; its key layout
(alerts/store/keys.py) keeps every script on one slot.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from redis.crc import key_slot

from alerts.store.resp import Arg, RespClient, RespConnectionError, RespError, Script

log = logging.getLogger(__name__)

SLOTS = 16384
MAX_ROUNDS = 6  # redirections and reconnections one call rides out before it fails

Address = tuple[str, int]


def _bytes(value: Arg) -> bytes:
    if isinstance(value, bytes):
        return value
    return str(value).encode()


_KEY_AT_1 = frozenset(
    name
    for n in ("GET", "SET", "DEL", "HGET", "HSET", "HDEL", "HGETALL", "ZADD", "ZRANGE",
              "ZRANGEBYSCORE", "ZREVRANGEBYSCORE", "LRANGE", "RPUSH", "XADD", "XACK", "INCR")
    for name in (n, n.lower(), n.encode(), n.lower().encode())
)  # fmt: skip


def command_key(command: Sequence[Arg]) -> bytes | None:
    """Return the key that routes a command (its first key), or None for a keyless one."""
    if command[0] in _KEY_AT_1:
        return _bytes(command[1])
    name = _bytes(command[0]).upper()
    if name in (b"EVALSHA", b"EVAL", b"FCALL"):
        return _bytes(command[3]) if int(command[2]) > 0 else None
    if name in (b"XREADGROUP", b"XREAD"):
        upper = [_bytes(c).upper() for c in command]
        return _bytes(command[upper.index(b"STREAMS") + 1])
    if name in (b"PING", b"INFO", b"WAIT", b"SCRIPT", b"CLUSTER", b"TIME", b"ROLE"):
        return None
    return _bytes(command[1]) if len(command) > 1 else None


def slot_indexes(keys: Sequence[Arg]) -> list[list[int]]:
    """Return the positions of `keys` grouped by their slot (in order of first appearance)."""
    groups: dict[int, list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(key_slot(_bytes(key)), []).append(i)
    return list(groups.values())


def group_by_slot(keys: Sequence[str]) -> list[list[str]]:
    """Return `keys` grouped by their slot: each group may go into one command or script."""
    return [[keys[i] for i in idx] for idx in slot_indexes(keys)]


class ClusterRespClient:
    """Send the store's commands to a Redis Cluster (see the module doc)."""

    def __init__(self, startup: Sequence[Address], **client_kwargs: Any) -> None:
        if not startup:
            raise ValueError("a cluster client needs at least one node address")
        self._startup = list(startup)
        self._kwargs = {**client_kwargs, "retries": 0}
        self._nodes: dict[Address, RespClient] = {}
        self._slots: list[Address | None] = [None] * SLOTS
        self._scripts: list[Script] = []
        self._refreshing: asyncio.Future[None] | None = None
        self._closed = False
        self._background: asyncio.Future[None] | None = None
        self.refreshes = 0  # slot map reads so far (tests and logs)
        # Commands each new connection sends first (RespClient.on_connect), each only to the
        # node serving its key's slot: the store raises the feed seq there after a failover.
        self.on_connect: Callable[[], Sequence[Sequence[Arg]]] | None = None

    def node(self, address: Address) -> RespClient:
        client = self._nodes.get(address)
        if client is None:
            client = RespClient(host=address[0], port=address[1], **self._kwargs)
            for script in self._scripts:
                client.load_on_connect(script)
            client.on_connect = partial(self._first_commands, address)
            self._nodes[address] = client
        return client

    def _first_commands(self, address: Address) -> list[Sequence[Arg]]:
        """Return the on-connect commands whose key this node serves (another would be MOVED
        and fail the connection)."""
        if self.on_connect is None:
            return []
        out: list[Sequence[Arg]] = []
        for command in self.on_connect():
            key = command_key(command)
            if key is not None and self._slots[key_slot(key)] == address:
                out.append(command)
        return out

    def script(self, source: str) -> Script:
        """Return a script object loaded on every node's connections."""
        script = Script(self, source)
        self._scripts.append(script)
        for client in self._nodes.values():
            client.load_on_connect(script)
        return script

    def slot_owner(self, slot: int) -> Address | None:
        return self._slots[slot]

    async def ping_all(self) -> bool:
        """Return True when every master of the slot map answers PING (the map read first)."""
        try:
            if all(s is None for s in self._slots):
                await self.refresh()
            masters = {s for s in self._slots if s is not None}
            replies = await asyncio.gather(
                *(self.node(a).execute("PING", retry=False) for a in masters),
                return_exceptions=True,
            )
        except (RespError, RespConnectionError, OSError):
            return False
        if any(isinstance(r, BaseException) for r in replies):
            self._refresh_soon()
            return False
        return True

    def _refresh_soon(self) -> None:
        """Read the slot map again in the background (a master did not answer)."""
        if self._refreshing is None and not self._closed and self._background is None:
            task = asyncio.ensure_future(self.refresh())
            self._background = task

            def done(t: asyncio.Future[None]) -> None:
                self._background = None
                if not t.cancelled():
                    t.exception()  # seen: a failed read is tried again on the next call

            task.add_done_callback(done)

    async def refresh(self) -> None:
        """Read the slot map again (one reader at a time; callers meanwhile wait for it)."""
        if self._refreshing is None:
            self._refreshing = asyncio.ensure_future(self._refresh())
        future = self._refreshing
        try:
            await asyncio.shield(future)
        finally:
            if self._refreshing is future and future.done():
                self._refreshing = None

    async def _refresh(self) -> None:
        known = [a for a in dict.fromkeys([*self._nodes, *self._startup])]
        random.shuffle(known)
        errors = []
        for address in known:
            try:
                reply = await self.node(address).execute("CLUSTER", "SLOTS", retry=False)
            except (RespError, RespConnectionError, OSError) as exc:
                errors.append(f"{address[0]}:{address[1]}: {exc}")
                continue
            slots: list[Address | None] = [None] * SLOTS
            for first, last, master, *_ in reply:
                host = master[0].decode() or address[0]
                owner = (host, int(master[1]))
                for slot in range(int(first), int(last) + 1):
                    slots[slot] = owner
            self._slots = slots
            self.refreshes += 1
            live = {s for s in slots if s is not None}
            for gone in [a for a in self._nodes if a not in live and a not in self._startup]:
                await self._nodes.pop(gone).close()
            return
        raise RespConnectionError(f"no cluster node answered CLUSTER SLOTS: {'; '.join(errors)}")

    def _route(self, command: Sequence[Arg]) -> Address:
        key = command_key(command)
        owner = self._slots[key_slot(key)] if key is not None else None
        if owner is None:
            live = [s for s in self._slots if s is not None]
            owner = live[0] if live else self._startup[0]
        return owner

    async def execute(self, *args: Arg, retry: bool = True) -> Any:
        return (await self.execute_many([args], retry=retry))[0]

    async def execute_many(
        self,
        commands: Sequence[Sequence[Arg]],
        *,
        scripts: Sequence[Script | None] = (),
        retry: bool = True,
    ) -> list[Any]:
        """Send commands (to the nodes owning their slots) and return replies in order."""
        return (await self._execute(commands, scripts, retry, None))[0]

    async def execute_confirmed(
        self,
        commands: Sequence[Sequence[Arg]],
        *,
        scripts: Sequence[Script | None] = (),
        replicas: int,
        timeout_ms: int,
    ) -> tuple[list[Any], int]:
        """Send commands as execute_many, each node's with `WAIT replicas timeout_ms` after.

        Returns the replies and the fewest replicas any node confirmed its writes to (WAIT
        counts the replicas holding that connection's writes, so it rides in the same write).
        """
        return await self._execute(commands, scripts, True, (replicas, timeout_ms))

    async def _execute(
        self,
        commands: Sequence[Sequence[Arg]],
        scripts: Sequence[Script | None],
        retry: bool,
        wait: tuple[int, int] | None,
    ) -> tuple[list[Any], int]:
        confirmed = wait[0] if wait is not None else 0
        if self._closed:
            raise RespConnectionError("redis client closed")
        if all(s is None for s in self._slots):
            await self.refresh()
        replies: list[Any] = [None] * len(commands)
        todo = list(range(len(commands)))
        asking: dict[int, Address] = {}
        rounds = MAX_ROUNDS if retry else 2
        for round_no in range(rounds):
            groups: dict[Address, list[int]] = {}
            for i in todo:
                groups.setdefault(asking.get(i) or self._route(commands[i]), []).append(i)
            sent: list[Any]
            if len(groups) == 1:  # the usual case: no task per group
                [(address, idx)] = groups.items()
                try:
                    sent = [await self._send(address, idx, commands, scripts, asking, wait)]
                except (RespConnectionError, OSError) as exc:
                    sent = [exc]
            else:
                sent = await asyncio.gather(
                    *(
                        self._send(a, idx, commands, scripts, asking, wait)
                        for a, idx in groups.items()
                    ),
                    return_exceptions=True,
                )
            again: list[int] = []
            stale = False
            for (address, idx), outcome in zip(groups.items(), sent, strict=True):
                if isinstance(outcome, BaseException):
                    if not isinstance(outcome, RespConnectionError | OSError):
                        raise outcome
                    stale = True
                    again.extend(idx)
                    continue
                if wait is not None:
                    waited = outcome.pop()
                    confirmed = min(confirmed, waited if isinstance(waited, int) else 0)
                for i, reply in zip(idx, outcome, strict=True):
                    asking.pop(i, None)
                    if isinstance(reply, RespError):
                        text = str(reply)
                        if text.startswith("MOVED "):
                            stale = True
                            again.append(i)
                            continue
                        if text.startswith("ASK "):
                            host, _, port = text.split()[2].rpartition(":")
                            asking[i] = (host or address[0], int(port))
                            again.append(i)
                            continue
                        if text.startswith(("TRYAGAIN", "CLUSTERDOWN")):
                            # A slot mid-migration, or a shard failing over: wait, look again.
                            stale = True
                            again.append(i)
                            continue
                    replies[i] = reply
            if not again:
                break
            todo = sorted(again)
            if round_no + 1 == rounds:
                raise RespConnectionError(
                    f"redis cluster: {len(todo)} commands not served after {rounds} tries"
                )
            if stale:
                await asyncio.sleep(min(1.0, 0.05 * 2**round_no))
                try:
                    await self.refresh()
                except RespConnectionError as exc:
                    log.warning("cannot read the cluster's slot map: %s", exc)
        for reply in replies:
            if isinstance(reply, RespError):
                raise reply
        return replies, confirmed

    async def _send(
        self,
        address: Address,
        idx: list[int],
        commands: Sequence[Sequence[Arg]],
        scripts: Sequence[Script | None],
        asking: dict[int, Address],
        wait: tuple[int, int] | None = None,
    ) -> list[Any]:
        batch: list[Sequence[Arg]] = []
        batch_scripts: list[Script | None] = []
        positions: list[int] = []
        for i in idx:
            if i in asking:  # ASKING applies to the next command on the same connection
                batch.append(("ASKING",))
                batch_scripts.append(None)
            positions.append(len(batch))
            batch.append(commands[i])
            batch_scripts.append(scripts[i] if i < len(scripts) else None)
        if wait is not None:
            positions.append(len(batch))
            batch.append(("WAIT", *wait))
            batch_scripts.append(None)
        out = await self.node(address).execute_many(
            batch, scripts=batch_scripts, retry=False, raise_errors=False
        )
        return [out[p] for p in positions]

    async def close(self) -> None:
        self._closed = True
        if self._background is not None:
            self._background.cancel()
            await asyncio.gather(self._background, return_exceptions=True)
        for client in self._nodes.values():
            await client.close()
        self._nodes.clear()
