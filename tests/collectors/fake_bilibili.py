"""A fake Bilibili live server: web API bootstrap, open-platform API, and the /sub WebSocket.

Real behaviours it reproduces:
- web bootstrap: short room id -> long room id (`get_info`), the wbi keys from `nav`
  (`code: -101` when not logged in, as for an anonymous client), `getDanmuInfo` refused
  with `-403` on a wrong `w_rid` and `-352` when risk control answers;
- open platform: HMAC-SHA256 signed calls (`4102 signature invalid`), a session that
  expires (`7003` on a heartbeat), and the auth body the `start` call hands out;
- /sub: the first packet must be OP_AUTH within the auth timeout (else close 1008), the
  server takes a moment to answer it and drops a client that heartbeats before the answer,
  an auth reply with a non-zero code closes, no heartbeat within the deadline closes, and a
  heartbeat reply whose pack length covers the popularity only (the echo rides after it);
- business packets as ver-0 JSON or batched in zlib (ver 2) or brotli (ver 3) packets.
Not reproduced: per-client connection limits and a meaningful popularity figure;
danmaku carry an `id_str` only when a test gives one.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
import zlib
from typing import Any

import brotli
import orjson
from aiohttp import WSMsgType, web

from monitor.collectors.bilibili import wbi_sign
from monitor.collectors.bilibili_codec import (
    OP_AUTH,
    OP_AUTH_REPLY,
    OP_HEARTBEAT,
    OP_HEARTBEAT_REPLY,
    OP_MESSAGE,
    VER_BROTLI,
    VER_JSON,
    VER_ZLIB,
    iter_packets,
    pack,
)
from tests.collectors.fake_base import FakeServer

IMG_KEY = "7cd084941338484aae1ad9425b84077c"
SUB_KEY = "4932caff0ff746eab6f01bf08b70ac45"


def command(obj: dict[str, Any]) -> bytes:
    """One ver-0 business packet."""
    return pack(OP_MESSAGE, orjson.dumps(obj), ver=VER_JSON)


def batch(objs: list[dict[str, Any]], ver: int) -> bytes:
    """One compressed business packet holding several ver-0 packets."""
    inner = b"".join(command(o) for o in objs)
    body = zlib.compress(inner) if ver == VER_ZLIB else brotli.compress(inner)
    return pack(OP_MESSAGE, body, ver=ver)


def danmu(
    text: str,
    uid: int = 1,
    uname: str = "观众",
    *,
    id_str: str = "",
    medal: Any = None,
    suffix: str = ":4:0:2:2:2:0",
) -> dict[str, Any]:
    extra = orjson.dumps({"id_str": id_str, "content": text}).decode() if id_str else "{}"
    info0 = [
        0,
        1,
        25,
        16777215,
        1721638553798,
        12345,
        0,
        "abc",
        0,
        0,
        0,
        "",
        0,
        "{}",
        "{}",
        {"extra": extra, "user": {"uid": uid}},
    ]
    return {
        "cmd": f"DANMU_MSG{suffix}",
        "info": [
            info0,
            text,
            [uid, uname, 0, 0, 0, 10000, 1, ""],
            medal,
            [0, 0, 9868950, ">50000"],
        ],
    }


class FakeBilibili(FakeServer):
    """Speaks the Bilibili web and open-platform protocols on 127.0.0.1."""

    def __init__(
        self,
        *,
        token: str = "tok-123",
        auth_timeout: float = 5.0,
        heartbeat_deadline: float = 60.0,
        answer_heartbeats: bool = True,
        secret: str = "open-secret",
        key_id: str = "open-key",
        auth_body: str = '{"roomid":42,"key":"opaque-open-token"}',
    ) -> None:
        super().__init__()
        self.token, self.auth_timeout, self.heartbeat_deadline = (
            token,
            auth_timeout,
            heartbeat_deadline,
        )
        self.answer_heartbeats = answer_heartbeats
        self.secret, self.key_id, self.auth_body = secret, key_id, auth_body
        self.auth_reply_code = 0
        self.fail_danmu_info = 0  # answer this many getDanmuInfo calls with -352
        self.auths: list[bytes] = []
        self.heartbeats = 0
        self.heartbeat_bodies: set[bytes] = set()
        self.early_heartbeats = 0  # heartbeats sent before the auth reply (connection dropped)
        self.auth_reply_delay = 0.2
        self.authed = 0
        self.danmu_info_calls = 0
        self.open_calls: list[str] = []
        self.bad_signatures = 0
        self.expire_next_heartbeat = False
        self.app.router.add_get("/room/v1/Room/get_info", self._get_info)
        self.app.router.add_get("/x/web-interface/nav", self._nav)
        self.app.router.add_get("/xlive/web-room/v1/index/getDanmuInfo", self._danmu_info)
        self.app.router.add_get("/sub", self._sub)
        self.app.router.add_post("/v2/app/{call}", self._open_call)

    async def _get_info(self, request: web.Request) -> web.Response:
        short = int(request.query["room_id"])
        return web.json_response({"code": 0, "data": {"room_id": short + 1000, "uid": 7}})

    async def _nav(self, request: web.Request) -> web.Response:
        wbi = {
            "img_url": f"https://i0.hdslb.com/bfs/wbi/{IMG_KEY}.png",
            "sub_url": f"https://i0.hdslb.com/bfs/wbi/{SUB_KEY}.png",
        }
        return web.json_response({"code": -101, "data": {"isLogin": False, "wbi_img": wbi}})

    async def _danmu_info(self, request: web.Request) -> web.Response:
        self.danmu_info_calls += 1
        q = dict(request.query)
        expected = wbi_sign(
            {"id": q.get("id", ""), "type": q.get("type", "")},
            IMG_KEY,
            SUB_KEY,
            int(q.get("wts", "0")),
        )
        if q.get("w_rid") != expected["w_rid"]:
            return web.json_response({"code": -403, "message": "bad w_rid"})
        if self.fail_danmu_info > 0:
            self.fail_danmu_info -= 1
            return web.json_response({"code": -352, "message": "-352"})
        hosts = [
            {"host": "127.0.0.1", "port": self.port, "wss_port": self.port, "ws_port": self.port}
        ]
        return web.json_response({"code": 0, "data": {"token": self.token, "host_list": hosts}})

    async def _open_call(self, request: web.Request) -> web.Response:
        body = await request.read()
        h = request.headers
        names = [
            "x-bili-accesskeyid",
            "x-bili-content-md5",
            "x-bili-signature-method",
            "x-bili-signature-nonce",
            "x-bili-signature-version",
            "x-bili-timestamp",
        ]
        text = "\n".join(f"{k}:{h.get(k, '')}" for k in names)
        want = hmac.new(self.secret.encode(), text.encode(), hashlib.sha256).hexdigest()
        if (
            h.get("Authorization") != want
            or h.get("x-bili-content-md5") != hashlib.md5(body).hexdigest()
            or h.get("x-bili-accesskeyid") != self.key_id
        ):
            self.bad_signatures += 1
            return web.json_response({"code": 4102, "message": "signature invalid"})
        call = request.match_info["call"]
        self.open_calls.append(call)
        if call == "start":
            data = {
                "game_info": {"game_id": f"game-{len(self.open_calls)}"},
                "websocket_info": {
                    "auth_body": self.auth_body,
                    "wss_link": [f"{self.ws_base}/sub"],
                },
                "anchor_info": {"room_id": 42, "uid": 7, "open_id": "o-7"},
            }
            return web.json_response({"code": 0, "data": data})
        if call == "heartbeat" and self.expire_next_heartbeat:
            self.expire_next_heartbeat = False
            return web.json_response({"code": 7003, "message": "session expired"})
        return web.json_response({"code": 0, "data": {}})

    async def _sub(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.connections += 1
        try:
            first = await ws.receive(timeout=self.auth_timeout)
        except TimeoutError:
            await ws.close(code=1008)
            return ws
        if first.type != WSMsgType.BINARY:
            await ws.close(code=1003)
            return ws
        packets = list(iter_packets(first.data))
        if not packets or packets[0].op != OP_AUTH:
            await ws.close(code=1008)
            return ws
        self.auths.append(packets[0].body)
        # Like the real server, take a moment to answer the auth; a client heartbeating before
        # the answer is dropped.
        try:
            early = await ws.receive(timeout=self.auth_reply_delay)
        except TimeoutError:
            early = None
        if early is not None:
            self.early_heartbeats += 1
            await ws.close(code=1008)
            return ws
        await ws.send_bytes(pack(OP_AUTH_REPLY, orjson.dumps({"code": self.auth_reply_code})))
        if self.auth_reply_code != 0:
            await ws.close()
            return ws
        self.authed += 1
        self.sockets.add(ws)
        try:
            while True:
                try:
                    msg = await ws.receive(timeout=self.heartbeat_deadline)
                except TimeoutError:
                    await ws.close(code=1008)  # no heartbeat: the server drops us
                    break
                if msg.type != WSMsgType.BINARY:
                    break
                for p in iter_packets(msg.data):
                    if p.op == OP_HEARTBEAT:
                        self.heartbeats += 1
                        self.heartbeat_bodies.add(p.body)
                        if self.answer_heartbeats:
                            # pack_len covers the popularity only; the echo rides after it.
                            reply = pack(OP_HEARTBEAT_REPLY, struct.pack(">I", 1)) + p.body
                            await ws.send_bytes(reply)
        finally:
            self.sockets.discard(ws)
        return ws

    async def send_commands(self, objs: list[dict[str, Any]], ver: int = VER_JSON) -> int:
        if ver == VER_JSON:
            return await self.broadcast(b"".join(command(o) for o in objs))
        return await self.broadcast(batch(objs, ver))


__all__ = ["VER_BROTLI", "VER_JSON", "VER_ZLIB", "FakeBilibili", "batch", "command", "danmu"]
