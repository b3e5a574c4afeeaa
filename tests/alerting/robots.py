"""Fake DingTalk, WeCom and Feishu group robots that answer the way the real ones do.

Each fake is a real HTTP server on loopback. What they reproduce (from the vendors'
robot documentation) is listed in each class; what a group member would see is kept in
`shown`, with the members the message really pinged. Time for the rate limits comes
from a clock shared with the sender under test (a ScaledClock runs minutes in seconds).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web

from alerts.clock import Clock
from tests.alerting.receiver import serve


class ScaledClock:
    """Time that runs `rate` times faster than the wall clock (a minute in 60/rate s)."""

    def __init__(self, rate: float, start: float = 1_700_000_000.0) -> None:
        self.rate = rate
        self.start = start
        self._t0 = time.monotonic()
        self._held: float | None = None

    def now(self) -> float:
        if self._held is not None:
            return self._held
        return self.start + (time.monotonic() - self._t0) * self.rate

    def hold(self) -> None:
        """Stop the clock: it moves only by `advance` until `release`."""
        self._held = self.now()

    def advance(self, seconds: float) -> None:
        assert self._held is not None, "advance a held clock"
        self._held += seconds

    def release(self) -> None:
        """Run on from the held time."""
        assert self._held is not None
        self.start, self._t0, self._held = self._held, time.monotonic(), None

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / self.rate)


@dataclass(frozen=True)
class Member:
    """Someone in the robot's group, with the handles each vendor knows them by."""

    name: str
    mobile: str = ""
    userid: str = ""  # WeCom
    open_id: str = ""  # Feishu


@dataclass
class Shown:
    """A message the group saw: when (robot clock), its text and whom it pinged."""

    at: float
    text: str
    pinged: set[str]
    body: dict[str, Any]


@dataclass
class FakeRobot:
    """What every fake shares: members, a clock, a rolling rate limit and a record."""

    clock: Clock
    members: list[Member] = field(default_factory=list)
    secret: str = ""
    limits: list[tuple[int, float]] = field(default_factory=list)  # (count, seconds)
    block: float = 0.0  # refused this long after the limit was passed
    hold: float = 0.0  # seconds an accepted message's answer takes (shown before it)
    shown: list[Shown] = field(default_factory=list)
    refused: list[tuple[float, int, str]] = field(default_factory=list)  # (at, code, msg)
    requests: int = 0
    url: str = ""
    _sent: list[float] = field(default_factory=list)
    _blocked_until: float = 0.0
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        """Set the vendor's limits (subclasses)."""

    def over_limit(self, now: float) -> bool:
        """Count this request against the rolling windows; True when it is refused."""
        if now < self._blocked_until:
            return True
        for count, window in self.limits:
            if sum(1 for t in self._sent if t > now - window) >= count:
                self._blocked_until = now + self.block
                return True
        self._sent.append(now)
        return False

    def everyone(self) -> set[str]:
        return {m.name for m in self.members}

    async def show(self, text: str, pinged: set[str], body: dict[str, Any]) -> None:
        """Show a message to the group, then answer (after `hold`, as a slow robot)."""
        self.shown.append(Shown(self.clock.now(), text, pinged, body))
        self.changed.set()
        if self.hold:
            await asyncio.sleep(self.hold)

    def refuse(self, code: int, msg: str) -> None:
        self.refused.append((self.clock.now(), code, msg))
        self.changed.set()

    def named(self, ids: set[str]) -> set[str]:
        """Return which of these alert ids a message the group saw names."""
        return {i for i in ids if any(i in s.text for s in self.shown)}

    async def wait(self, done: Any, limit: float = 10.0) -> bool:
        """Wait until `done(self)` holds (or `limit` real seconds passed)."""
        deadline = time.monotonic() + limit
        while not done(self):
            self.changed.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                async with asyncio.timeout(left):
                    await self.changed.wait()
            except TimeoutError:
                return False
        return True

    async def _body(self, request: web.Request) -> tuple[bytes, Any]:
        self.requests += 1
        raw = await request.read()
        try:
            return raw, orjson.loads(raw)
        except orjson.JSONDecodeError:
            return raw, None


def _fresh(ts: str, seconds: float) -> bool:
    try:
        value = float(ts)
    except ValueError:
        return False
    return abs(time.time() - value) <= seconds


class FakeDingTalk(FakeRobot):
    """A DingTalk custom robot (钉钉自定义机器人).

    Reproduces: HTTP 200 with `errcode`/`errmsg` for every answer; 加签 checked from the
    URL's `timestamp` (ms, within an hour) and `sign` (310000 when wrong); at most 20
    messages a minute, then 130101 "send too fast" for 10 minutes; markdown needs title
    and text; a mobile is pinged only when it is in `at.atMobiles` AND written as
    `@<mobile>` in the text; `isAtAll` pings everyone. Assumed, not documented: texts
    over 20,000 bytes are refused (460101).
    """

    def __post_init__(self) -> None:
        if not self.limits:
            self.limits = [(20, 60.0)]
            self.block = self.block or 600.0

    def answer(self, code: int, msg: str) -> web.Response:
        if code:
            self.refuse(code, msg)
        return web.json_response({"errcode": code, "errmsg": msg})

    async def handle(self, request: web.Request) -> web.Response:
        _, body = await self._body(request)
        if self.secret:
            ts, sign = request.query.get("timestamp", ""), request.query.get("sign", "")
            mac = hmac.new(self.secret.encode(), f"{ts}\n{self.secret}".encode(), hashlib.sha256)
            good = base64.b64encode(mac.digest()).decode()
            if not _fresh(ts[:-3] or "0", 3600) or not hmac.compare_digest(sign, good):
                return self.answer(310000, "sign not match")
        if not isinstance(body, dict) or body.get("msgtype") not in ("text", "markdown"):
            return self.answer(40035, "缺少参数 json")
        if self.over_limit(self.clock.now()):
            return self.answer(130101, "send too fast, exceed 20 times per minute")
        if body["msgtype"] == "markdown":
            md = body.get("markdown") or {}
            if not md.get("title") or not md.get("text"):
                return self.answer(40035, "缺少参数 markdown.title/text")
            text = str(md["text"])
        else:
            text = str((body.get("text") or {}).get("content", ""))
        if len(text.encode()) > 20_000:
            return self.answer(460101, "message too long")
        at = body.get("at") or {}
        mobiles = set(at.get("atMobiles") or [])
        pinged = {m.name for m in self.members if m.mobile in mobiles and f"@{m.mobile}" in text}
        if at.get("isAtAll"):
            pinged = self.everyone()
        await self.show(text, pinged, body)
        return self.answer(0, "ok")


class FakeWeCom(FakeRobot):
    """A WeCom group robot (企业微信群机器人).

    Reproduces: HTTP 200 with `errcode`; the robot key in the URL (93000 without it);
    20 messages a minute (45009 "api freq out of limit" past it); markdown content at
    most 4,096 bytes and text content at most 2,048 (40058 past them); markdown pings
    only `<@userid>` of members (a phone number there pings nobody); text pings by
    `mentioned_list` (userids, "@all") and `mentioned_mobile_list` (mobiles, "@all").
    """

    key: str = "robot-key"

    def __post_init__(self) -> None:
        if not self.limits:
            self.limits = [(20, 60.0)]

    def answer(self, code: int, msg: str) -> web.Response:
        if code:
            self.refuse(code, msg)
        return web.json_response({"errcode": code, "errmsg": msg})

    async def handle(self, request: web.Request) -> web.Response:
        _, body = await self._body(request)
        if request.query.get("key") != self.key:
            return self.answer(93000, "invalid webhook url")
        if not isinstance(body, dict) or body.get("msgtype") not in ("text", "markdown"):
            return self.answer(40008, "invalid message type")
        if self.over_limit(self.clock.now()):
            return self.answer(45009, "api freq out of limit")
        kind = body["msgtype"]
        part = body.get(kind) or {}
        text = str(part.get("content", ""))
        if not text:
            return self.answer(40035, "empty content")
        if len(text.encode()) > (4_096 if kind == "markdown" else 2_048):
            return self.answer(40058, f"content exceed max length {len(text.encode())}")
        if kind == "markdown":
            ids = set(re.findall(r"<@([^>]+)>", text))
            pinged = {m.name for m in self.members if m.userid and m.userid in ids}
        else:
            ids = set(part.get("mentioned_list") or [])
            mobiles = set(part.get("mentioned_mobile_list") or [])
            pinged = {
                m.name
                for m in self.members
                if (m.userid and m.userid in ids) or (m.mobile and m.mobile in mobiles)
            }
            if "@all" in ids or "@all" in mobiles:
                pinged = self.everyone()
        await self.show(text, pinged, body)
        return self.answer(0, "ok")


class FakeFeishu(FakeRobot):
    """A Feishu custom bot (飞书自定义机器人).

    Reproduces: HTTP 200 with `code`/`msg` (and the legacy StatusCode); the signature in
    the body (base64 HMAC-SHA256 keyed by "timestamp\\nsecret" over nothing, timestamp
    within an hour; 19021 otherwise); 5 a second and 100 a minute (11232 "frequency
    limited" past them); bodies over 20 KB refused (9499 "Bad Request"); an interactive
    card needs a header and elements; `<at id=open_id></at>` in a card's markdown and
    `{"tag": "at", "user_id": ...}` in a post ping members ("all": everyone); a text
    message shows markdown literally and pings only `<at user_id="...">`.
    """

    def __post_init__(self) -> None:
        if not self.limits:
            self.limits = [(5, 1.0), (100, 60.0)]

    def answer(self, code: int, msg: str) -> web.Response:
        if code:
            self.refuse(code, msg)
        return web.json_response(
            {"code": code, "msg": msg, "data": {}, "StatusCode": code, "StatusMessage": msg}
        )

    async def handle(self, request: web.Request) -> web.Response:
        raw, body = await self._body(request)
        if len(raw) > 20 * 1024:
            return self.answer(9499, "Bad Request")
        if not isinstance(body, dict):
            return self.answer(9499, "Bad Request")
        if self.secret:
            ts = str(body.get("timestamp", ""))
            mac = hmac.new(f"{ts}\n{self.secret}".encode(), b"", hashlib.sha256)
            good = base64.b64encode(mac.digest()).decode()
            if not _fresh(ts, 3600) or not hmac.compare_digest(str(body.get("sign", "")), good):
                return self.answer(19021, "sign match fail or timestamp is not within one hour")
        if self.over_limit(self.clock.now()):
            return self.answer(11232, "frequency limited")
        kind = body.get("msg_type")
        ids: set[str]
        if kind == "interactive":
            card = body.get("card") or {}
            elements = card.get("elements") or []
            if not card.get("header") or not elements:
                return self.answer(9499, "Bad Request")
            text = "\n".join(str(e.get("content", "")) for e in elements if isinstance(e, dict))
            ids = set(re.findall(r"<at id=([^>\s]+)></at>", text))
        elif kind == "post":
            post = (body.get("content") or {}).get("post") or {}
            parts = [p for lang in post.values() for line in lang.get("content", []) for p in line]
            text = "".join(str(p.get("text", "")) for p in parts)
            ids = {str(p.get("user_id")) for p in parts if p.get("tag") == "at"}
        elif kind == "text":
            text = str((body.get("content") or {}).get("text", ""))
            ids = set(re.findall(r'<at user_id="([^"]+)">', text))
        else:
            return self.answer(9499, "Bad Request")
        pinged = {m.name for m in self.members if m.open_id and m.open_id in ids}
        if "all" in ids:
            pinged = self.everyone()
        await self.show(text, pinged, body)
        return self.answer(0, "success")


@asynccontextmanager
async def robot_server(robot: FakeRobot, path: str = "/robot") -> AsyncIterator[FakeRobot]:
    """Serve a fake robot; `robot.url` is its webhook URL (WeCom's carries the key)."""
    async with serve(robot.handle) as base:  # type: ignore[attr-defined]
        robot.url = base + path
        if isinstance(robot, FakeWeCom):
            robot.url += f"?key={robot.key}"
        elif isinstance(robot, FakeDingTalk):
            robot.url += "?access_token=tok"
        yield robot
