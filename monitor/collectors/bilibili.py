"""Bilibili live collectors: the web danmaku WebSocket and the open platform (互动玩法).

Both share the packet framing in bilibili_codec. The web variant bootstraps through
get_info + WBI-signed getDanmuInfo (or uses a configured URL and token); the open variant
calls the HMAC-SHA256-signed start/heartbeat/end API and sends the auth body it returns
verbatim.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import secrets
import time
import urllib.parse
from typing import Any

import aiohttp
import orjson

from alerts.tasks import stop_tasks
from monitor.collectors.bilibili_codec import OP_AUTH, OP_HEARTBEAT, VER_RAW, pack
from monitor.collectors.common import Disconnect
from monitor.collectors.wsbase import Target, WsCollector

log = logging.getLogger(__name__)

BROWSER_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0 Safari/537.36"
)
# Bilibili's WBI key shuffle (public; the first 32 characters of the reordering are the key).
MIXIN_KEY_ENC_TAB = (
    46, 47, 18, 2, 53, 8, 23, 32, 15, 50, 10, 31, 58, 3, 45, 35, 27, 43, 5, 49, 33, 9, 42, 19,
    29, 28, 14, 39, 12, 38, 41, 13, 37, 48, 7, 16, 24, 55, 40, 61, 26, 17, 0, 1, 60, 51, 30, 4,
    22, 25, 54, 21, 56, 59, 6, 63, 57, 62, 11, 36, 20, 34, 44, 52,
)  # fmt: skip
SESSION_EXPIRED = 7003


class BootstrapError(RuntimeError):
    """The HTTP bootstrap failed (risk control -352, bad token, HTTP error); retried later."""


def wbi_sign(params: dict[str, Any], img_key: str, sub_key: str, now: int) -> dict[str, str]:
    """Return params plus wts and w_rid as Bilibili's WBI signing expects."""
    raw = img_key + sub_key
    mixin = "".join(raw[i] for i in MIXIN_KEY_ENC_TAB if i < len(raw))[:32]
    signed = {k: str(v) for k, v in params.items()} | {"wts": str(now)}
    signed = {k: "".join(ch for ch in signed[k] if ch not in "!'()*") for k in sorted(signed)}
    query = urllib.parse.urlencode(signed)
    signed["w_rid"] = hashlib.md5((query + mixin).encode()).hexdigest()
    return signed


def heartbeat_packet() -> bytes:
    """Return op 2 with the body the web client sends (`{}`); only sent after op 8 code 0."""
    return pack(OP_HEARTBEAT, b"{}", ver=VER_RAW)


def auth_packet(body: dict[str, Any] | str) -> bytes:
    """Return the op7 auth packet for a body (a dict, or an auth body passed through)."""
    raw = body.encode() if isinstance(body, str) else orjson.dumps(body)
    return pack(OP_AUTH, raw, ver=VER_RAW)


async def _get_json(http: aiohttp.ClientSession, url: str, **kw: Any) -> dict[str, Any]:
    async with http.get(url, **kw) as resp:
        if resp.status != 200:
            raise BootstrapError(f"GET {url.split('?')[0]} -> HTTP {resp.status}")
        body = await resp.json(content_type=None)
    if not isinstance(body, dict):
        raise BootstrapError(f"GET {url.split('?')[0]}: not a JSON object")
    return body


class BilibiliCollector(WsCollector):
    """One Bilibili live room over the web danmaku WebSocket."""

    def __init__(
        self,
        *,
        room_id: int,
        live_api: str = "",
        api: str = "",
        ws_url: str = "",
        token: str = "",
        uid: int = 0,
        buvid: str = "",
        sessdata: str = "",
        ws_scheme: str = "wss",
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.room_id, self.ws_url, self.token = room_id, ws_url, token
        self.live_api, self.api = live_api.rstrip("/"), api.rstrip("/")
        self.uid, self.buvid, self.sessdata, self.ws_scheme = uid, buvid, sessdata, ws_scheme
        self._hosts_tried = 0

    heartbeat_after_auth = True

    def heartbeat_frame(self) -> bytes:
        return heartbeat_packet()

    def _headers(self) -> dict[str, str]:
        cookies = [f"buvid3={self.buvid}"] if self.buvid else []
        if self.sessdata:
            cookies.append(f"SESSDATA={self.sessdata}")
        headers = {"User-Agent": BROWSER_UA}
        if cookies:
            headers["Cookie"] = "; ".join(cookies)
        return headers

    def _auth(self, real_room: int, token: str) -> bytes:
        return auth_packet(
            {
                "uid": self.uid,
                "roomid": real_room,
                "protover": 3,
                "platform": "web",
                "type": 2,
                "buvid": self.buvid,
                "key": token,
            }
        )

    async def bootstrap(self, http: aiohttp.ClientSession) -> Target:
        if self.ws_url:
            return Target(self.ws_url, self._headers(), self._auth(self.room_id, self.token))
        live, headers = self.live_api, self._headers()
        info = await _get_json(
            http, f"{live}/room/v1/Room/get_info?room_id={self.room_id}", headers=headers
        )
        if info.get("code") != 0:
            raise BootstrapError(f"get_info code {info.get('code')}: {info.get('message', '')}")
        real_room = int(info.get("data", {}).get("room_id") or self.room_id)
        nav = await _get_json(http, f"{self.api}/x/web-interface/nav", headers=headers)
        wbi = nav.get("data", {}).get("wbi_img", {})
        img_key = str(wbi.get("img_url", "")).rsplit("/", 1)[-1].split(".")[0]
        sub_key = str(wbi.get("sub_url", "")).rsplit("/", 1)[-1].split(".")[0]
        if not img_key or not sub_key:
            raise BootstrapError("nav returned no WBI keys")
        params = wbi_sign({"id": real_room, "type": 0}, img_key, sub_key, int(time.time()))
        danmu = await _get_json(
            http,
            f"{live}/xlive/web-room/v1/index/getDanmuInfo?{urllib.parse.urlencode(params)}",
            headers=headers,
        )
        if danmu.get("code") != 0:
            # -352 is risk control: back off and try again; never stop the room.
            raise BootstrapError(f"getDanmuInfo code {danmu.get('code')}")
        data = danmu.get("data") or {}
        hosts = data.get("host_list") or []
        if not hosts:
            raise BootstrapError("getDanmuInfo returned no hosts")
        host = hosts[self._hosts_tried % len(hosts)]
        self._hosts_tried += 1
        port = host.get("wss_port") if self.ws_scheme == "wss" else host.get("ws_port")
        url = f"{self.ws_scheme}://{host['host']}:{port}/sub"
        return Target(url, headers, self._auth(real_room, str(data.get("token", ""))))


def open_platform_headers(
    body: bytes, key_id: str, secret: str, *, nonce: str, ts: int
) -> dict[str, str]:
    """Return the signed headers of one open-platform API call."""
    signed = {
        "x-bili-accesskeyid": key_id,
        "x-bili-content-md5": hashlib.md5(body).hexdigest(),
        "x-bili-signature-method": "HMAC-SHA256",
        "x-bili-signature-nonce": nonce,
        "x-bili-signature-version": "1.0",
        "x-bili-timestamp": str(ts),
    }
    text = "\n".join(f"{k}:{v}" for k, v in signed.items())
    signature = hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()
    return signed | {
        "Authorization": signature,
        "Content-Type": "application/json",
        "Accept": "application/json",
    }


class BilibiliOpenCollector(WsCollector):
    """One anchor's room through the Bilibili open platform (start, heartbeat, end)."""

    def __init__(
        self,
        *,
        api_base: str,
        app_id: int,
        access_key_id: str,
        access_key_secret: str,
        auth_code: str,
        project_heartbeat: float = 20.0,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.api_base, self.app_id, self.auth_code = api_base.rstrip("/"), app_id, auth_code
        self._key_id, self._secret = access_key_id, access_key_secret
        self.project_heartbeat = project_heartbeat
        self.game_id = ""
        self._beat: asyncio.Task[None] | None = None
        self._links_tried = 0

    heartbeat_after_auth = True

    def heartbeat_frame(self) -> bytes:
        return heartbeat_packet()

    async def call(
        self, http: aiohttp.ClientSession, path: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """POST a signed open-platform call and return its JSON answer."""
        body = orjson.dumps(payload)
        headers = open_platform_headers(
            body, self._key_id, self._secret, nonce=secrets.token_hex(8), ts=int(time.time())
        )
        async with http.post(f"{self.api_base}{path}", data=body, headers=headers) as resp:
            if resp.status != 200:
                raise BootstrapError(f"POST {path} -> HTTP {resp.status}")
            answer = await resp.json(content_type=None)
        if not isinstance(answer, dict):
            raise BootstrapError(f"POST {path}: not a JSON object")
        return answer

    async def bootstrap(self, http: aiohttp.ClientSession) -> Target:
        answer = await self.call(
            http, "/v2/app/start", {"code": self.auth_code, "app_id": self.app_id}
        )
        if answer.get("code") != 0:
            raise BootstrapError(f"start code {answer.get('code')}: {answer.get('message', '')}")
        data = answer.get("data") or {}
        self.game_id = str((data.get("game_info") or {}).get("game_id", ""))
        ws_info = data.get("websocket_info") or {}
        links = ws_info.get("wss_link") or []
        auth_body = ws_info.get("auth_body")
        if not links or not isinstance(auth_body, str):
            raise BootstrapError("start returned no wss_link or auth_body")
        url = links[self._links_tried % len(links)]
        self._links_tried += 1
        self._beat = asyncio.create_task(self._project_heartbeats(http))
        return Target(url, {}, auth_packet(auth_body))

    async def _project_heartbeats(self, http: aiohttp.ClientSession) -> None:
        while True:
            await asyncio.sleep(self.project_heartbeat)
            try:
                answer = await self.call(http, "/v2/app/heartbeat", {"game_id": self.game_id})
            except (aiohttp.ClientError, OSError, BootstrapError, TimeoutError) as exc:
                log.warning("open platform heartbeat failed: %s", exc)
                continue
            if answer.get("code") == SESSION_EXPIRED:
                await self.end_session(
                    Disconnect(rebootstrap=True, reason="session expired (7003)")
                )
                return

    async def on_session_end(self, http: aiohttp.ClientSession) -> None:
        beat, self._beat = self._beat, None
        if beat is not None:
            await stop_tasks([beat])  # a cancel of this task landing here is not swallowed
        if self.game_id:
            # Always call end, or the anchor's room stays locked to this game for a while.
            game_id, self.game_id = self.game_id, ""
            with contextlib.suppress(aiohttp.ClientError, OSError, BootstrapError, TimeoutError):
                await self.call(http, "/v2/app/end", {"app_id": self.app_id, "game_id": game_id})
