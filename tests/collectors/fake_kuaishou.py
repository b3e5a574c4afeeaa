"""A fake Kuaishou live WebSocket: token-checked enter-room, heartbeats, gzip feed pushes.

Strict like the real service: the first frame must be CS_ENTER_ROOM with a token it issued
for the stream (else SC_ERROR and a close); a heartbeat before the enter-room ack drops the
connection; feeds go only to sockets that entered.
"""

from __future__ import annotations

import contextlib
import gzip
import itertools
from collections.abc import Sequence

from aiohttp import WSMsgType, web

from monitor.collectors.kuaishou_codec import (
    COMPRESSION_GZIP,
    CS_ENTER_ROOM,
    CS_HEARTBEAT,
    SC_ENTER_ROOM_ACK,
    SC_ERROR,
    SC_FEED_PUSH,
    SC_HEARTBEAT_ACK,
    frame,
)
from monitor.collectors.proto import kuaishou_pb2 as ks
from tests.collectors.fake_base import FakeServer

PATH = "/websocket"


def user(uid: str = "3xabc", name: str = "快手用户") -> ks.SimpleUserInfo:
    return ks.SimpleUserInfo(principal_id=uid, user_name=name)


def feed(
    comments: Sequence[tuple[str, str]] = (),
    *,
    likes: Sequence[str] = (),
    gifts: Sequence[ks.GiftFeed] = (),
    watching: str = "",
    like_count: str = "",
) -> ks.FeedPush:
    return ks.FeedPush(
        display_watching_count=watching,
        display_like_count=like_count,
        comment_feeds=[ks.CommentFeed(id=i, user=user(), content=t) for i, t in comments],
        like_feeds=[ks.LikeFeed(id=i, user=user()) for i in likes],
        gift_feeds=list(gifts),
    )


class FakeKuaishou(FakeServer):
    """Serves the live WebSocket and a token service (POST /token) for one stream."""

    def __init__(self, live_stream_id: str = "ls-1", heartbeat_ms: int = 200) -> None:
        super().__init__()
        self.live_stream_id, self.heartbeat_ms = live_stream_id, heartbeat_ms
        self._tokens = (f"tok-{n}" for n in itertools.count(1))
        self.issued: list[str] = []
        self.refuse_tokens: set[str] = set()
        self.enters: list[ks.EnterRoom] = []
        self.heartbeats = 0
        self.early_heartbeats = 0
        self._entered: set[web.WebSocketResponse] = set()
        self.app.router.add_get(PATH, self._ws)
        self.app.router.add_post("/token", self._token)

    async def _token(self, request: web.Request) -> web.Response:
        body = await request.json()
        if not body.get("principal_id"):
            return web.json_response({"error": "principal_id missing"}, status=400)
        token = next(self._tokens)
        self.issued.append(token)
        return web.json_response(
            {"url": f"{self.ws_base}{PATH}", "token": token, "live_stream_id": self.live_stream_id}
        )

    async def _ws(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.connections += 1
        self.sockets.add(ws)
        try:
            async for msg in ws:
                if msg.type == WSMsgType.BINARY:
                    sm = ks.SocketMessage()
                    sm.ParseFromString(msg.data)
                    await self._frame(ws, sm)
        finally:
            self.sockets.discard(ws)
            self._entered.discard(ws)
        return ws

    async def _frame(self, ws: web.WebSocketResponse, sm: ks.SocketMessage) -> None:
        if sm.payload_type == CS_ENTER_ROOM:
            enter = ks.EnterRoom()
            enter.ParseFromString(sm.payload)
            self.enters.append(enter)
            ok = enter.token in self.issued and enter.token not in self.refuse_tokens
            if not ok or enter.live_stream_id != self.live_stream_id or not enter.page_id:
                await ws.send_bytes(frame(SC_ERROR, b""))
                await ws.close(code=1008)
                return
            self._entered.add(ws)
            ack = ks.EnterRoomAck(heartbeat_interval_ms=self.heartbeat_ms)
            await ws.send_bytes(frame(SC_ENTER_ROOM_ACK, ack.SerializeToString()))
        elif sm.payload_type == CS_HEARTBEAT:
            if ws not in self._entered:
                self.early_heartbeats += 1
                await ws.close(code=1008)
                return
            self.heartbeats += 1
            beat = ks.Heartbeat()
            beat.ParseFromString(sm.payload)
            ack = ks.HeartbeatAck(timestamp=beat.timestamp + 1, client_timestamp=beat.timestamp)
            await ws.send_bytes(frame(SC_HEARTBEAT_ACK, ack.SerializeToString()))

    async def push(self, body: ks.FeedPush, *, compress: bool = True) -> int:
        raw = body.SerializeToString()
        data = (
            frame(SC_FEED_PUSH, gzip.compress(raw), COMPRESSION_GZIP)
            if compress
            else frame(SC_FEED_PUSH, raw)
        )
        return await self.send_raw(data)

    async def send_raw(self, data: bytes) -> int:
        sent = 0
        for ws in list(self._entered):
            with contextlib.suppress(Exception):
                await ws.send_bytes(data)
                sent += 1
        return sent
