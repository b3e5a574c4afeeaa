"""A fake Douyin webcast push server: PushFrame/gzip Response over WS, acks, hb, pings.

Real behaviours it reproduces:
- a PushFrame per push, its Response gzipped when the `compress_type: gzip` header says so;
- `need_ack` frames whose ack must echo the frame's `log_id`: a large id, unrelated to the
  small per-connection `seq_id` (an ack built from `seq_id` is wrong, and the fake's ids
  differ so a test sees it);
- message ids are the test's own: tests give each message its own `msg_id`, as the
  platform does, and send one twice only to replay it on purpose (dedup);
- `hb` frames from the client, WebSocket pings from the server, and a connection dropped
  when a ping goes unanswered within the deadline;
- a refused handshake answered with HTTP 200 and `handshake-status: 415` /
  `handshake-msg: DEVICE_BLOCKED` headers instead of an upgrade.
Not reproduced: any check of the connection URL's signature parameters, limits on
connections per client, and redelivery of un-acked frames after a reconnect (tests push
them again when they want that).
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import itertools

from aiohttp import WSMsgType, web
from google.protobuf.message import Message as PbMessage

from monitor.collectors.proto import webcast_pb2 as pb
from tests.collectors.fake_base import FakeServer

PATH = "/webcast/im/push/v2/"


def message(method: str, body: PbMessage, msg_id: int) -> pb.Message:
    return pb.Message(method=method, payload=body.SerializeToString(), msg_id=msg_id)


def chat(text: str, msg_id: int, uid: int = 9, nick: str = "抖音用户") -> pb.Message:
    body = pb.ChatMessage(
        common=pb.Common(msg_id=msg_id, create_time=1721638553798),
        user=pb.User(id=uid, nickname=nick),
        content=text,
    )
    return message("WebcastChatMessage", body, msg_id)


def push_frame(
    messages: list[pb.Message],
    *,
    log_id: int,
    need_ack: bool = True,
    compress: bool = True,
    cursor: str = "",
    internal_ext: str = "",
    heartbeat_duration: int = 15,
    seq_id: int | None = None,
) -> bytes:
    resp = pb.Response(
        messages=messages,
        cursor=cursor or f"t-{log_id}",
        internal_ext=internal_ext or f"internal_src:pushserver|seq:{log_id}",
        heartbeat_duration=heartbeat_duration,
        need_ack=need_ack,
    )
    payload = resp.SerializeToString()
    # The real service sends a small per-connection seq_id and a large, unrelated log_id; the ack
    # must echo log_id. Keeping them different here is what catches an ack built from seq_id.
    frame = pb.PushFrame(
        seq_id=seq_id if seq_id is not None else log_id % 1000 + 1,
        log_id=log_id,
        payload_encoding="pb",
        payload_type="msg",
    )
    if compress:
        frame.headers.add(key="compress_type", value="gzip")
        payload = gzip.compress(payload)
    frame.payload = payload
    return frame.SerializeToString()


class FakeDouyin(FakeServer):
    """Serves the push WebSocket; pings clients and drops those that never pong."""

    def __init__(self, *, ping_every: float = 0.1, pong_deadline: float = 0.5) -> None:
        super().__init__()
        self.ping_every, self.pong_deadline = ping_every, pong_deadline
        self.queries: list[dict[str, str]] = []
        self.acks: list[tuple[int, bytes]] = []
        self.heartbeats = 0
        self.pongs = 0
        self.dropped_for_pong = 0
        self.reject_handshake = 0  # answer this many handshakes with HTTP 200 + DEVICE_BLOCKED
        # Real log ids are large and unrelated to the frame's seq_id (see push_frame).
        self._log_ids = itertools.count(7_302_118_553_000_000_001, 7919)
        self.sent_log_ids: list[int] = []
        self.app.router.add_get(PATH, self._push)

    def next_log_id(self) -> int:
        log_id = next(self._log_ids)
        self.sent_log_ids.append(log_id)
        return log_id

    async def _push(self, request: web.Request) -> web.StreamResponse:
        if self.reject_handshake > 0:
            self.reject_handshake -= 1
            return web.Response(
                status=200, headers={"handshake-status": "415", "handshake-msg": "DEVICE_BLOCKED"}
            )
        self.queries.append(dict(request.query))
        ws = web.WebSocketResponse(autoping=False)
        await ws.prepare(request)
        self.connections += 1
        self.sockets.add(ws)
        pinger = asyncio.create_task(self._ping(ws))
        try:
            async for msg in ws:
                if msg.type == WSMsgType.PONG:
                    self.pongs += 1
                elif msg.type == WSMsgType.PING:
                    await ws.pong(msg.data)
                elif msg.type == WSMsgType.BINARY:
                    frame = pb.PushFrame()
                    frame.ParseFromString(msg.data)
                    if frame.payload_type == "hb":
                        self.heartbeats += 1
                    elif frame.payload_type == "ack":
                        self.acks.append((frame.log_id, frame.payload))
        finally:
            pinger.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pinger
            self.sockets.discard(ws)
        return ws

    async def _ping(self, ws: web.WebSocketResponse) -> None:
        while not ws.closed:
            before = self.pongs
            await ws.ping(b"keepalive")
            await asyncio.sleep(self.pong_deadline)
            if self.pongs == before and not ws.closed:
                self.dropped_for_pong += 1
                if ws._req is not None and ws._req.transport is not None:
                    ws._req.transport.abort()
                return
            await asyncio.sleep(self.ping_every)

    async def push(self, messages: list[pb.Message], **kw: object) -> int:
        return await self.broadcast(push_frame(messages, log_id=self.next_log_id(), **kw))  # type: ignore[arg-type]
