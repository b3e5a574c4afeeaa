"""TikTok LIVE collector: one room over the webcast push WebSocket (Douyin's shape).

URL signing is not shipped: the same pluggable signer contract as Douyin (presigned URL,
external command, HTTP sign service) turns the unsigned push URL into a signed one. TikTok
signed URLs expire within about 30 s, so the signer is asked again on every connect. After
the upgrade the client sends `im_enter_room`; heartbeats are `hb` frames carrying the room id.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

import aiohttp

from monitor.collectors.douyin import MIN_HEARTBEAT, UrlSigner
from monitor.collectors.tiktok_codec import TikTokPushDecoder, enter_room_frame, heartbeat_frame
from monitor.collectors.wsbase import Target, WsCollector

PUSH_PARAMS = {
    "aid": "1988",
    "app_name": "tiktok_web",
    "browser_platform": "Win32",
    "browser_language": "en-US",
    "browser_name": "Mozilla",
    "compress": "gzip",
    "cookie_enabled": "true",
    "device_platform": "web_pc",
    "did_rule": "3",
    "heartbeat_duration": "0",
    "host": "https://webcast.tiktok.com",
    "identity": "audience",
    "live_id": "12",
    "resp_content_type": "protobuf",
    "update_version_code": "1.3.0",
    "version_code": "270000",
    "webcast_sdk_version": "1.3.0",
}


class TikTokCollector(WsCollector):
    """One TikTok LIVE room over the webcast push WebSocket."""

    decoder: TikTokPushDecoder

    def __init__(self, *, room_id: str, push_url: str, signer: UrlSigner, **kw: Any) -> None:
        super().__init__(**kw)
        self.room_id, self.push_url, self.signer = room_id, push_url, signer
        self._beats = 0

    def heartbeat_frame(self) -> bytes:
        self._beats += 1
        return heartbeat_frame(int(self.room_id), self._beats)

    def heartbeat_interval(self) -> float:
        """Beat at least as often as the server's heartbeat_duration (seconds) asks."""
        hint = self.decoder.heartbeat_hint
        configured = self.timing.heartbeat_interval
        return min(configured, max(MIN_HEARTBEAT, float(hint))) if hint else configured

    def push_params(self) -> dict[str, str]:
        """Return the push URL's query, resuming from the last cursor when there is one."""
        return dict(PUSH_PARAMS) | {
            "room_id": self.room_id,
            "cursor": self.decoder.cursor,
            "internal_ext": self.decoder.internal_ext,
        }

    async def bootstrap(self, http: aiohttp.ClientSession) -> Target:
        params = self.push_params()
        unsigned = f"{self.push_url}?{urllib.parse.urlencode(params)}"
        signed = await self.signer.sign(unsigned, params)
        self._beats = 0
        return Target(signed.url, signed.headers, enter_room_frame(int(self.room_id)))
