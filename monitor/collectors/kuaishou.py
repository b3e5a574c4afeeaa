"""Kuaishou (快手) web live collector: one room over the live WebSocket.

Entering a room needs a token (and the WebSocket address) that live.kuaishou.com hands a
logged-in web page; getting it is not shipped. A token hook supplies it, like the Douyin
signer: a static ticket, an operator's command, or an HTTP service. The hook is asked again
on every connect, and whenever the server refuses the token (SC_ERROR).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiohttp

from monitor.collectors.hooks import HookError, post_json, run_command, string_map
from monitor.collectors.kuaishou_codec import KuaishouDecoder, enter_room_frame, heartbeat_frame
from monitor.collectors.wsbase import Target, WsCollector

MIN_HEARTBEAT = 1.0


@dataclass(frozen=True, slots=True)
class Ticket:
    """What entering a room needs: where to connect, the token and the live stream id."""

    url: str
    token: str
    live_stream_id: str
    headers: dict[str, str] = field(default_factory=dict)


class TokenHook(Protocol):
    """Return a ticket for a room, given {"principal_id", "live_stream_id"}."""

    async def ticket(self, request: dict[str, str]) -> Ticket: ...


def ticket_from(obj: dict[str, Any], who: str) -> Ticket:
    """Read a hook's answer {"url", "token", "live_stream_id", "headers"}."""
    parts = {k: obj.get(k) for k in ("url", "token", "live_stream_id")}
    missing = [k for k, v in parts.items() if not isinstance(v, str) or not v]
    if missing:
        raise HookError(f"{who}: answer needs {', '.join(missing)} (non-empty strings)")
    return Ticket(
        str(parts["url"]),
        str(parts["token"]),
        str(parts["live_stream_id"]),
        string_map(obj, "headers", who),
    )


class StaticTicket:
    """A ticket obtained elsewhere (tokens expire: the operator refreshes it)."""

    def __init__(self, ticket: Ticket) -> None:
        self._ticket = ticket

    async def ticket(self, request: dict[str, str]) -> Ticket:
        return self._ticket


class CommandTokenHook:
    """Run an operator's command: the request as JSON on stdin, the ticket as JSON out."""

    def __init__(self, argv: list[str], timeout: float = 10.0) -> None:
        self.argv, self.timeout = argv, timeout

    async def ticket(self, request: dict[str, str]) -> Ticket:
        return ticket_from(await run_command(self.argv, request, self.timeout), "token command")


class HttpTokenHook:
    """POST the request to an operator's token service; it answers the ticket."""

    def __init__(self, endpoint: str, token: str = "", timeout: float = 10.0) -> None:
        self.endpoint, self.token, self.timeout = endpoint, token, timeout

    async def ticket(self, request: dict[str, str]) -> Ticket:
        answer = await post_json(self.endpoint, self.token, request, self.timeout)
        return ticket_from(answer, "token service")


def page_id() -> str:
    """Return a page id as the web client makes one: 16 random characters and the time in ms."""
    return f"{secrets.token_hex(8)}_{int(time.time() * 1000)}"


class KuaishouCollector(WsCollector):
    """One Kuaishou live room over the web live WebSocket."""

    decoder: KuaishouDecoder
    heartbeat_after_auth = True  # heartbeats start once SC_ENTER_ROOM_ACK arrives

    def __init__(
        self, *, principal_id: str, hook: TokenHook, live_stream_id: str = "", **kw: Any
    ) -> None:
        super().__init__(**kw)
        self.principal_id, self.hook, self.live_stream_id = principal_id, hook, live_stream_id
        self.reconnects = -1

    def heartbeat_frame(self) -> bytes:
        return heartbeat_frame(int(time.time() * 1000))

    def heartbeat_interval(self) -> float:
        """Beat as often as the enter-room ack asks (never below 1 s), else as configured."""
        hint = self.decoder.heartbeat_hint
        configured = self.timing.heartbeat_interval
        return min(configured, max(MIN_HEARTBEAT, hint)) if hint else configured

    async def bootstrap(self, http: aiohttp.ClientSession) -> Target:
        request = {"principal_id": self.principal_id, "live_stream_id": self.live_stream_id}
        ticket = await self.hook.ticket(request)
        self.reconnects += 1
        enter = enter_room_frame(ticket.token, ticket.live_stream_id, page_id(), self.reconnects)
        return Target(ticket.url, ticket.headers, enter)
