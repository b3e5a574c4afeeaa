"""The Redis store's alerts: compare-and-set writes, the cross-room index, reads and lists.

An alert's head and its flagged comments are kept apart (alerts/store/redis.py has the key
layout); decoded copies are cached here and reused while Redis holds the same version.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import orjson

from alerts.model import (
    Alert,
    AlertState,
    FlaggedComment,
    alert_from_dict,
    alert_to_dict,
    comment_change,
    comment_from_dict,
    comment_to_dict,
)
from alerts.store.base import StoreConflict, StoreError
from alerts.store.redis_base import RedisStoreBase, as_text
from alerts.store.resp import Arg, RespConnectionError, RespError

DECODED_CACHE = 2_000  # alerts
COMMENT_CACHE = 50_000  # flagged comments, by their stored bytes
UNINDEXED_MAX = 10_000  # cross-room index writes kept for a retry (cluster, shard down)
_PAGE = 200
ROOM_INDEXES = 32  # past this many rooms, open alerts are read from the global open index
_OPEN_STATES = frozenset({AlertState.FIRING, AlertState.ACKNOWLEDGED})


class RedisAlerts(RedisStoreBase):
    """Write, read and list alerts in Redis (the AlertStore's alert methods)."""

    def _alert_keys(self, room: str, alert_id: str) -> tuple[str, str, str]:
        r = self.keys.room
        return (
            r(room, "alert", alert_id),
            r(room, "alert", alert_id, "comments"),
            r(room, "versions"),
        )

    def _index_keys(self) -> list[Arg]:
        g = self.keys.shared
        return [
            g("alerts", "ids"),
            g("alerts", "ix:all"),
            g("alerts", "ix:open"),
            g("alerts", "ix:ver"),
        ]

    async def put_alert(self, alert: Alert, *, expect_version: int | None = None) -> None:
        r = self.keys.room
        room = alert.room
        head, comments_key, versions = self._alert_keys(room, alert.id)
        keys: list[Arg] = [
            head,
            r(room, "all"),
            r(room, "open"),
            r(room, "fp", "open"),
            r(room, "fp", "latest"),
            comments_key,
            versions,
        ]
        if not self.sharded:
            keys.extend(self._index_keys())
        # Under a compare-and-set the stored comments are those of the copy the caller
        # changed, so only the new ones are sent (grouping adds one comment to up to 200).
        held = self._decoded.get(alert.id)
        if expect_version is not None and held is not None and held.version == expect_version:
            mode, sent = comment_change(held.comments, alert.comments)
        else:
            mode, sent = "replace", alert.comments
        started = repr(alert.started_at)
        is_open = "1" if alert.is_open else "0"
        args: list[Arg] = [
            alert.id,
            orjson.dumps(alert_to_dict(alert, comments=False)),
            started,
            alert.fingerprint,
            is_open,
            "" if expect_version is None else str(expect_version),
            str(alert.version),
            mode,
            len(alert.comments),
            room,
        ]
        encoded = [orjson.dumps(comment_to_dict(c)) for c in sent]
        args.extend(encoded)
        index: list[Arg] = [alert.id, room, started, str(alert.version), is_open]
        if self.sharded and alert.is_open:
            # The cross-room index lives on its own slot: a second, order-safe call. An open
            # alert is indexed first, so no crash leaves it out of the open index (escalation
            # reads it); an entry ahead of its alert is harmless, lists read the alert.
            await self._call(
                "put_alert", lambda: self._index_alert(keys=self._index_keys(), args=index)
            )
        reply = await self._call("put_alert", lambda: self._put_alert(keys=keys, args=args))
        if not int(reply[0]):
            self._decoded.pop(alert.id, None)
            raise StoreConflict(alert.id, expect_version or 0, int(as_text(reply[1])))
        if self.sharded and not alert.is_open:
            # A closed one is taken out of the open index only once it is closed. The
            # alert is written by now, so a failure here is kept and retried, not raised.
            self._unindexed[alert.id] = index
            await self._flush_index()
        self._rooms[alert.id] = room
        for raw, comment in zip(encoded, sent, strict=True):
            self._remember_comment(raw, comment)
        self._remember(alert)
        if alert.is_open:
            self._remember_fingerprint(alert.fingerprint, alert.id)

    def _index_args(self, alert: Alert) -> list[Arg]:
        is_open = "1" if alert.is_open else "0"
        return [alert.id, alert.room, repr(alert.started_at), str(alert.version), is_open]

    async def _flush_index(self) -> None:
        """Send the cross-room index writes still owed (cluster); keep them if it fails."""
        if not self._unindexed:
            return
        owed = dict(self._unindexed)
        keys = self._index_keys()
        script = self._index_alert
        commands = [script.args(keys, args) for args in owed.values()]
        try:
            await self.resp.execute_many(commands, scripts=[script] * len(commands))
        except (RespError, RespConnectionError, OSError) as exc:
            if self.on_error is not None:
                self.on_error("index_alert", exc)
            while len(self._unindexed) > UNINDEXED_MAX:
                self._unindexed.pop(next(iter(self._unindexed)))
            return
        for alert_id, args in owed.items():
            if self._unindexed.get(alert_id) is args:
                del self._unindexed[alert_id]

    async def room_of(self, alert_ids: Iterable[str]) -> dict[str, str]:
        """Return the room of each alert id that exists (cached: an alert never moves)."""
        ids = list(dict.fromkeys(alert_ids))
        missing = [i for i in ids if i not in self._rooms]
        if missing:
            key = self.keys.shared("alerts", "ids")
            found = await self._call("get_alert", lambda: self.resp.execute("HMGET", key, *missing))
            if len(self._rooms) + len(missing) > 4 * DECODED_CACHE:
                self._rooms.clear()
            for alert_id, room in zip(missing, found, strict=True):
                if room is not None:
                    self._rooms[alert_id] = as_text(room)
        return {i: self._rooms[i] for i in ids if i in self._rooms}

    async def get_alert(self, alert_id: str) -> Alert | None:
        room = (await self.room_of([alert_id])).get(alert_id)
        if room is None:
            return None
        held = self._decoded.get(alert_id)
        reply = await self._call("get_alert", lambda: self._get_script(room, alert_id, held))
        return self._from_reply(alert_id, reply, held)

    def _get_script(self, room: str, alert_id: str, held: Alert | None) -> Any:
        """Read an alert unless `held` is its current version (then only the version comes)."""
        return self._get_alert(**self._get_args(room, alert_id, held))

    def _get_args(self, room: str, alert_id: str, held: Alert | None) -> dict[str, list[Arg]]:
        keys: list[Arg] = list(self._alert_keys(room, alert_id))
        return {"keys": keys, "args": [alert_id, "" if held is None else str(held.version)]}

    def _from_reply(self, alert_id: str, reply: list[Any], held: Alert | None) -> Alert | None:
        if not reply:
            return None
        if len(reply) == 1 and held is not None:
            return held
        try:
            header = orjson.loads(reply[1])
            comments: tuple[FlaggedComment, ...] | None = None
            if reply[2] or "comments" not in header:  # older records kept them inline
                comments = tuple(self._comment(raw) for raw in reply[2])
            alert = alert_from_dict(header, comments)
        except (orjson.JSONDecodeError, KeyError, ValueError, TypeError, IndexError) as exc:
            raise StoreError(f"corrupt alert record {alert_id} in redis: {exc}") from exc
        self._remember(alert)
        return alert

    def _comment(self, raw: bytes) -> FlaggedComment:
        comment = self._comments.get(raw)
        if comment is None:
            comment = comment_from_dict(orjson.loads(raw))
            self._remember_comment(raw, comment)
        return comment

    def _remember_comment(self, raw: bytes, comment: FlaggedComment) -> None:
        if len(self._comments) >= COMMENT_CACHE:
            self._comments.pop(next(iter(self._comments)))
        self._comments[raw] = comment

    def _remember(self, alert: Alert) -> None:
        self._decoded.pop(alert.id, None)
        if len(self._decoded) >= DECODED_CACHE:
            self._decoded.pop(next(iter(self._decoded)))
        self._decoded[alert.id] = alert

    def _remember_fingerprint(self, fp: str, alert_id: str) -> None:
        if self._fp_ids.get(fp) == alert_id:
            return
        if len(self._fp_ids) >= DECODED_CACHE:
            self._fp_ids.pop(next(iter(self._fp_ids)))
        self._fp_ids[fp] = alert_id

    async def _by_fingerprint(self, index: str, fp: str, room: str) -> Alert | None:
        guess = self._fp_ids.get(fp, "")
        held = self._decoded.get(guess) if guess else None
        keys = [self.keys.room(room, "fp", index), self.keys.room(room, "versions")]
        prefix = self.keys.room_prefix(room)
        args: list[Arg] = [fp, prefix, guess, "" if held is None else str(held.version)]
        reply = await self._call("find_alert", lambda: self._find_alert(keys=keys, args=args))
        if not reply:
            return None
        alert_id = as_text(reply[0])
        self._rooms[alert_id] = room
        self._remember_fingerprint(fp, alert_id)
        if len(reply) == 2 and held is not None and alert_id == guess:
            return held
        return self._from_reply(alert_id, reply[1:], None)

    def peek_open(self, fingerprint: str) -> Alert | None:
        alert_id = self._fp_ids.get(fingerprint)
        held = self._decoded.get(alert_id) if alert_id is not None else None
        return held if held is not None and held.is_open else None

    async def find_open(self, fingerprint: str, room: str) -> Alert | None:
        return await self._by_fingerprint("open", fingerprint, room)

    async def find_latest(self, fingerprint: str, room: str) -> Alert | None:
        return await self._by_fingerprint("latest", fingerprint, room)

    async def list_alerts(
        self,
        *,
        rooms: Iterable[str] | None = None,
        states: Iterable[AlertState] | None = None,
        since: float | None = None,
        limit: int = 500,
    ) -> list[Alert]:
        if limit <= 0:
            return []
        state_set = frozenset(states) if states is not None else None
        which = "open" if state_set is not None and state_set <= _OPEN_STATES else "all"
        every = self.keys.shared("alerts", f"ix:{which}")
        await self._flush_index()
        if rooms is None:
            return await self._scan_index(every, state_set, since, limit)
        room_set = frozenset(rooms)
        if which == "open" and len(room_set) > ROOM_INDEXES:
            # Many rooms' open alerts (a supervisor's overview): one pass over the open
            # index beats a round of reads per room.
            return await self._scan_index(every, state_set, since, limit, room_set)
        scans = [
            self._scan_index(self.keys.room(r, which), state_set, since, limit, room=r)
            for r in room_set
        ]
        out = [alert for found in await asyncio.gather(*scans) for alert in found]
        out.sort(key=lambda a: (a.started_at, a.id), reverse=True)
        return out[:limit]

    async def _scan_index(
        self,
        index: str,
        states: frozenset[AlertState] | None,
        since: float | None,
        limit: int,
        rooms: frozenset[str] | None = None,
        *,
        room: str | None = None,
    ) -> list[Alert]:
        """Page through one index newest first, keeping alerts that pass the filters.

        `room`: the index is that room's (else the cross-room one: rooms come from `ids`).
        """
        low: float | str = since if since is not None else "-inf"
        found: list[Alert] = []
        offset = 0
        while len(found) < limit:
            ids = await self._call("list_alerts", self._page_fn(index, low, offset))
            if not ids:
                break
            offset += len(ids)
            names = [as_text(i) for i in ids]
            # An entry of the cross-room open index whose alert is closed (its index call
            # was lost, or came ahead of a write that then lost its compare-and-set) is
            # taken out, by a versioned index call.
            heal = self.sharded and index == self.keys.shared("alerts", "ix:open")
            if room is None:
                where = await self.room_of(names)
                names = [i for i in names if i in where]
            else:
                where = dict.fromkeys(names, room)
            held = [self._decoded.get(i) for i in names]
            replies = await self._call("list_alerts", self._read_many_fn(names, where, held))
            for alert_id, reply, h in zip(names, replies, held, strict=True):
                alert = self._from_reply(alert_id, reply, h)
                if alert is not None and heal and not alert.is_open:
                    self._unindexed.setdefault(alert_id, self._index_args(alert))
                if (
                    alert is not None
                    and (states is None or alert.state in states)
                    and (rooms is None or alert.room in rooms)
                ):
                    found.append(alert)
            if len(ids) < _PAGE:
                break
        return found[:limit]

    def _read_many_fn(
        self, ids: list[str], rooms: dict[str, str], held: list[Alert | None]
    ) -> Callable[[], Awaitable[list[Any]]]:
        """Return a call reading these alerts in one batch (only the version where held)."""
        script = self._get_alert
        commands = [
            script.args(**self._get_args(rooms[i], i, h)) for i, h in zip(ids, held, strict=True)
        ]
        return lambda: self.resp.execute_many(commands, scripts=[script] * len(commands))

    def _page_fn(
        self, index: str, low: float | str, offset: int
    ) -> Callable[[], Awaitable[list[Any]]]:
        return lambda: self.resp.execute(
            "ZREVRANGEBYSCORE", index, "+inf", low, "LIMIT", offset, _PAGE
        )
