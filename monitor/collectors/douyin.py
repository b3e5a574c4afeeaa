"""Douyin webcast push collector: one room over the push WebSocket.

URL signing is not shipped: an operator-configured signer (external command or HTTP sign
service) turns the unsigned push URL into a signed one, or a pre-signed URL is used as is.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiohttp

from monitor.collectors.douyin_codec import DouyinPushDecoder, heartbeat_frame
from monitor.collectors.hooks import HookError, post_json, run_command, string_map
from monitor.collectors.wsbase import Target, WsCollector

PUSH_PARAMS = {
    "app_name": "douyin_web",
    "version_code": "180800",
    "webcast_sdk_version": "1.0.14-beta.0",
    "update_version_code": "1.0.14-beta.0",
    "compress": "gzip",
    "device_platform": "web",
    "cookie_enabled": "true",
    "browser_language": "zh-CN",
    "browser_platform": "Win32",
    "browser_name": "Mozilla",
    "host": "https://live.douyin.com",
    "aid": "6383",
    "live_id": "1",
    "did_rule": "3",
    "sub_room_id": "",
    "sub_channel_id": "",
    "device_type": "",
    "ac": "",
    "endpoint": "live_pc",
    "support_wrds": "1",
    "im_path": "/webcast/im/fetch/",
    "identity": "audience",
    "need_persist_msg_count": "15",
    "heartbeatDuration": "0",
}


SignError = HookError  # the signer failed or answered something unusable


@dataclass(frozen=True, slots=True)
class SignedUrl:
    url: str
    headers: dict[str, str] = field(default_factory=dict)


class UrlSigner(Protocol):
    """Turn an unsigned push URL into one the platform accepts."""

    async def sign(self, unsigned_url: str, params: dict[str, str]) -> SignedUrl: ...


def _signed(obj: dict[str, Any], who: str) -> SignedUrl:
    if not isinstance(obj.get("url"), str) or not obj["url"]:
        raise SignError(f'{who}: answer needs {{"url": "...", "headers": {{...}}}}')
    return SignedUrl(obj["url"], string_map(obj, "headers", who))


class PresignedUrl:
    """A URL signed elsewhere (short-lived: the operator refreshes it)."""

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self._signed = SignedUrl(url, dict(headers or {}))

    async def sign(self, unsigned_url: str, params: dict[str, str]) -> SignedUrl:
        return self._signed


class CommandSigner:
    """Run an operator's command: JSON {"url","params"} on stdin, JSON {"url","headers"} out."""

    def __init__(self, argv: list[str], timeout: float = 10.0) -> None:
        self.argv, self.timeout = argv, timeout

    async def sign(self, unsigned_url: str, params: dict[str, str]) -> SignedUrl:
        request = {"url": unsigned_url, "params": params}
        return _signed(await run_command(self.argv, request, self.timeout), "sign command")


class HttpSigner:
    """POST {"url","params"} to an operator's sign service; it answers {"url","headers"}."""

    def __init__(self, endpoint: str, token: str = "", timeout: float = 10.0) -> None:
        self.endpoint, self.token, self.timeout = endpoint, token, timeout

    async def sign(self, unsigned_url: str, params: dict[str, str]) -> SignedUrl:
        request = {"url": unsigned_url, "params": params}
        answer = await post_json(self.endpoint, self.token, request, self.timeout)
        return _signed(answer, "sign service")


MIN_HEARTBEAT = 1.0  # seconds: a server asking for less is not obeyed below this


class DouyinCollector(WsCollector):
    """One Douyin room over the webcast push WebSocket."""

    decoder: DouyinPushDecoder

    def __init__(
        self,
        *,
        room_id: str,
        push_url: str,
        signer: UrlSigner,
        user_unique_id: str = "",
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.room_id, self.push_url, self.signer = room_id, push_url, signer
        self.user_unique_id = user_unique_id

    def heartbeat_frame(self) -> bytes:
        return heartbeat_frame()

    def heartbeat_interval(self) -> float:
        """Beat at least as often as the server's heartbeat_duration (seconds) asks."""
        hint = self.decoder.heartbeat_hint
        configured = self.timing.heartbeat_interval
        return min(configured, max(MIN_HEARTBEAT, float(hint))) if hint else configured

    def push_params(self) -> dict[str, str]:
        """Return the push URL's query, resuming from the last cursor when there is one."""
        params = dict(PUSH_PARAMS) | {
            "room_id": self.room_id,
            "user_unique_id": self.user_unique_id,
            "cursor": self.decoder.cursor,
            "internal_ext": self.decoder.internal_ext,
        }
        return params

    async def bootstrap(self, http: aiohttp.ClientSession) -> Target:
        params = self.push_params()
        unsigned = f"{self.push_url}?{urllib.parse.urlencode(params)}"
        signed = await self.signer.sign(unsigned, params)
        return Target(signed.url, signed.headers)
