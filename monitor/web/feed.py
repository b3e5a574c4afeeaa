"""The console feed websocket: a user's rooms only, resumable, with heartbeats.

Protocol (server to client, JSON text frames):
  {"seq", "type": "alert"|"alert_update"|"flag", "room", "ts", "data"}  items, seq ascending
  {"type": "hello", "user", "rooms", "after"}   first frame; `after` is where replay starts
  {"type": "heartbeat", "seq": LAST_SENT, "ts"} every HEARTBEAT seconds
A client resumes with `?after=SEQ` (the last seq it handled); `?after=latest` starts from
now (a fresh console loads the alert list over REST after the hello frame). Items are
replayed from the store first, then streamed live, each seq at most once. A client too
slow to keep up is closed with code 4000; it reconnects with ?after and loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

import orjson
from aiohttp import WSMsgType, web

from alerts.store.base import AlertStore, StoreError
from monitor.feed import FeedHub, FeedSubscription, encode_item
from monitor.web import sockets
from monitor.web.auth import ACCESS, AUTH_VIA, CREDENTIAL, current_user
from monitor.web.keys import SERVICE
from monitor.web.revocation import FEED_GRANTS, Grant
from monitor.web.util import bad_request

log = logging.getLogger(__name__)

HEARTBEAT = 15.0
REPLAY_PAGE = 2_000
SEND_TIMEOUT = 10.0  # a client that cannot take one frame in this long is dropped
LAGGED = 4000
TRY_AGAIN = 1013
CLOSE_TIMEOUT = 2.0
SENT_WINDOW = 10_000
MAX_SEQ = 2**63 - 1  # the store's seqs are signed 64-bit (Redis INCR)


async def _send(ws: web.WebSocketResponse, text: str) -> None:
    # asyncio.timeout, not wait_for: no task per frame (hundreds of clients, many items).
    async with asyncio.timeout(SEND_TIMEOUT):
        await ws.send_str(text)


async def feed(request: web.Request) -> web.WebSocketResponse:
    """Stream feed items for the user's rooms; `?after=SEQ` replays what the client missed."""
    service = request.app[SERVICE]
    user = current_user(request)
    rooms = request.app[ACCESS].directory.rooms_of(user)
    after = _after(request.query.get("after", "0"))
    heartbeat = HEARTBEAT
    # timeout bounds the closing handshake, so shutdown never waits on a silent client.
    # No permessage-deflate: items are small, and compressing every frame once per client
    # costs more CPU than the bandwidth it saves on a console's network.
    ws = web.WebSocketResponse(
        heartbeat=heartbeat * 2, max_msg_size=64 * 1024, timeout=CLOSE_TIMEOUT, compress=False
    )
    await ws.prepare(request)
    sockets.track(request, ws)
    # Subscribe before replaying, so nothing appended during the replay is missed;
    # the seq check below drops what the replay already sent.
    sub = service.feed.subscribe(rooms)
    # Logout, expiry, deletion or a change of rooms revokes the grant and wakes the loop.
    grant = Grant(user.id, request[AUTH_VIA], request[CREDENTIAL], user.role, rooms, wake=sub.wake)
    grants = request.app[FEED_GRANTS]
    grants.add(grant)
    reader = asyncio.create_task(_drain_client(ws))
    try:
        if after < 0:
            after = await _head(service.store, service.feed.head)
        await _send(
            ws,
            orjson.dumps(
                {
                    "type": "hello",
                    "user": user.id,
                    "rooms": None if rooms is None else sorted(rooms),
                    "after": after,
                    "ts": service.clock.now(),
                }
            ).decode(),
        )
        sent = _Sent(after)
        await _replay(ws, service.store, sent, rooms)
        await _live(ws, service.feed, sub, reader, sent, heartbeat, service.clock.now, grant)
    except (TimeoutError, ConnectionError):
        pass
    except StoreError as exc:
        # The store cannot replay right now: the client reconnects with ?after and misses
        # nothing. Not a server error in the log for every console that tried.
        log.warning("feed for %s closed: %s", user.id, exc)
        with contextlib.suppress(Exception):
            await ws.close(code=TRY_AGAIN, message=b"store unavailable: reconnect with ?after")
    finally:
        grants.discard(grant)
        service.feed.unsubscribe(sub)
        if not ws.closed:
            with contextlib.suppress(Exception):
                await ws.close()
        # Closing ends the reader on its own; cancelling a pending receive would abort
        # the connection before the close frame reaches the client.
        if not reader.done():
            reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await reader
    return ws


def _after(raw: str) -> int:
    """Return where replay starts (-1 for 'latest'), or raise 400 naming `after` and why."""
    if raw == "latest":
        return -1
    if not raw.isascii() or not raw.isdigit() or len(raw) > 20:
        raise bad_request("after: must be a sequence number (digits) or 'latest'")
    after = int(raw)
    if after > MAX_SEQ:
        raise bad_request(f"after: must be at most {MAX_SEQ}")
    return after


async def _head(store: AlertStore, known: int) -> int:
    """Return the newest seq in the log (scanning forward from what this instance saw)."""
    last = known
    while items := await store.read_feed(last, limit=REPLAY_PAGE):
        last = items[-1].seq
    return last


class _Sent:
    """Which seqs this client has been sent: all up to `floor`, then a bounded window.

    With several instances, items appended elsewhere arrive over pub/sub and can overtake
    one appended here (seq 7 before 6); remembering what was sent, rather than only the
    highest seq, lets the late one through once and still never twice.
    """

    def __init__(self, floor: int) -> None:
        self.floor = floor
        self.last = floor
        self._window: dict[int, None] = {}

    def fresh(self, seq: int) -> bool:
        return seq > self.floor and seq not in self._window

    def add(self, seq: int) -> None:
        self._window[seq] = None
        self.last = max(self.last, seq)
        if len(self._window) > SENT_WINDOW:
            oldest = next(iter(self._window))
            del self._window[oldest]
            self.floor = max(self.floor, oldest)


async def _replay(
    ws: web.WebSocketResponse, store: AlertStore, sent: _Sent, rooms: frozenset[str] | None
) -> None:
    while True:
        items = await store.read_feed(sent.last, rooms=rooms, limit=REPLAY_PAGE)
        async with asyncio.timeout(SEND_TIMEOUT):
            for item in items:
                await ws.send_str(encode_item(item))
                sent.add(item.seq)
        if len(items) < REPLAY_PAGE:
            return


async def _live(
    ws: web.WebSocketResponse,
    hub: FeedHub,
    sub: FeedSubscription,
    reader: asyncio.Task[None],
    sent: _Sent,
    heartbeat: float,
    now: Callable[[], float],
    grant: Grant,
) -> None:
    next_beat = time.monotonic() + heartbeat
    reader.add_done_callback(lambda _: sub.wake.set())  # the client left: stop waiting
    while not ws.closed and not reader.done():
        if grant.code:
            await ws.close(code=grant.code, message=grant.reason.encode())
            return
        if not sub.items and not sub.lagged:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(0.0, next_beat - time.monotonic())):
                    await sub.wake.wait()
        sub.wake.clear()
        if grant.code:
            continue  # closed at the top, before anything more is sent
        if sub.items:
            # One deadline for the batch (a timer per frame costs more than the frame).
            async with asyncio.timeout(SEND_TIMEOUT):
                while sub.items:  # everything already queued, without waiting in between
                    item = sub.items.popleft()
                    if sent.fresh(item.seq):
                        await ws.send_str(hub.text(item))
                        sent.add(item.seq)
        if sub.lagged:
            await ws.close(code=LAGGED, message=b"lagged: resume with ?after")
            return
        if time.monotonic() >= next_beat:
            beat = {"type": "heartbeat", "seq": sent.last, "ts": now()}
            await _send(ws, orjson.dumps(beat).decode())
            next_beat = time.monotonic() + heartbeat


async def _drain_client(ws: web.WebSocketResponse) -> None:
    async for msg in ws:
        if msg.type in (WSMsgType.ERROR, WSMsgType.CLOSE):
            return


def register(app: web.Application) -> None:
    app.router.add_get("/api/v1/feed", feed)
