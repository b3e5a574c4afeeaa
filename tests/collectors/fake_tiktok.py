"""A fake TikTok LIVE push server: waits for im_enter_room, then pushes gzip Responses.

Strict like the real service: nothing is pushed to a socket that has not sent
`im_enter_room` for the signed room, the answer to it is an `im_enter_room_resp` frame,
heartbeats must carry the room id, acks must echo the frame's log_id (never its seq_id).
"""

from __future__ import annotations

import contextlib
import itertools

from aiohttp import WSMsgType, web
from google.protobuf.message import Message as PbMessage

from monitor.collectors.proto import tiktok_pb2 as tt
from monitor.collectors.proto import webcast_pb2 as pb
from tests.collectors.fake_base import FakeServer
from tests.collectors.fake_douyin import push_frame

PATH = "/webcast/im/push/v2/"


def message(method: str, body: PbMessage, msg_id: int) -> pb.Message:
    return pb.Message(method=method, payload=body.SerializeToString(), msg_id=msg_id)


def common(msg_id: int, key: str = "") -> tt.Common:
    return tt.Common(
        msg_id=msg_id, create_time=1776121373000 + msg_id, display_text=tt.Text(key=key)
    )


def user(uid: int = 7, nick: str = "viewer") -> tt.User:
    return tt.User(id=uid, nickname=nick, unique_id=f"u{uid}")


def chat(text: str, msg_id: int, uid: int = 7) -> pb.Message:
    body = tt.ChatMessage(common=common(msg_id), user=user(uid), comment=text)
    return message("WebcastChatMessage", body, msg_id)


def gift(
    msg_id: int, repeat: int, *, group: int, end: int = 0, streak: bool = True, diamonds: int = 1
) -> pb.Message:
    body = tt.GiftMessage(
        common=common(msg_id),
        gift_id=5655,
        user=user(),
        repeat_count=repeat,
        group_count=1,
        repeat_end=end,
        group_id=group,
        gift=tt.GiftStruct(id=5655, type=1 if streak else 2, diamond_count=diamonds, name="Rose"),
    )
    return message("WebcastGiftMessage", body, msg_id)


class FakeTikTok(FakeServer):
    """Serves the push WebSocket for one room id."""

    def __init__(self, room_id: int) -> None:
        super().__init__()
        self.room_id = room_id
        self.entered: list[int] = []
        self.heartbeat_rooms: list[int] = []
        self.acks: list[tuple[int, bytes]] = []
        self.queries: list[dict[str, str]] = []
        self.before_enter = 0  # frames other than im_enter_room sent first (dropped)
        self._entered: set[web.WebSocketResponse] = set()
        self._log_ids = itertools.count(7_413_000_000_000_000_003, 104_729)
        self.sent_log_ids: list[int] = []
        self.app.router.add_get(PATH, self._push)

    async def _push(self, request: web.Request) -> web.StreamResponse:
        if request.query.get("room_id") != str(self.room_id):
            return web.Response(status=403, text="room_id not signed")
        self.queries.append(dict(request.query))
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.connections += 1
        self.sockets.add(ws)
        try:
            async for msg in ws:
                if msg.type != WSMsgType.BINARY:
                    continue
                frame = pb.PushFrame()
                frame.ParseFromString(msg.data)
                await self._frame(ws, frame)
        finally:
            self.sockets.discard(ws)
            self._entered.discard(ws)
        return ws

    async def _frame(self, ws: web.WebSocketResponse, frame: pb.PushFrame) -> None:
        if frame.payload_type == "im_enter_room":
            enter = tt.ImEnterRoomMessage()
            enter.ParseFromString(frame.payload)
            self.entered.append(enter.room_id)
            if enter.room_id == self.room_id and enter.identity == "audience":
                self._entered.add(ws)
                reply = pb.PushFrame(payload_type="im_enter_room_resp", payload_encoding="pb")
                await ws.send_bytes(reply.SerializeToString())
            return
        if ws not in self._entered:
            self.before_enter += 1
            await ws.close(code=1008)
            return
        if frame.payload_type == "hb":
            hb = tt.HeartBeatMessage()
            hb.ParseFromString(frame.payload)
            self.heartbeat_rooms.append(hb.room_id)
        elif frame.payload_type == "ack":
            self.acks.append((frame.log_id, frame.payload))

    async def push(self, messages: list[pb.Message], **kw: object) -> int:
        log_id = next(self._log_ids)
        self.sent_log_ids.append(log_id)
        data = push_frame(messages, log_id=log_id, **kw)  # type: ignore[arg-type]
        sent = 0
        for ws in list(self._entered):
            with contextlib.suppress(Exception):
                await ws.send_bytes(data)
                sent += 1
        return sent
