"""The connection loop every WebSocket collector shares.

bootstrap -> connect -> (auth) -> read frames with a read timeout, send heartbeats, answer
pings -> on any end, back off by close code and error -> bootstrap again. A bootstrap
failure is one more reason to back off, never the end of the room.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Protocol

import aiohttp

from alerts.tasks import stop_tasks
from monitor.collectors.base import Emit
from monitor.collectors.common import Decoded, Disconnect, RecentIds, ReconnectPolicy, SourceStats
from monitor.collectors.record import FrameRecorder
from monitor.events import AnyEvent

log = logging.getLogger(__name__)

MAX_MSG_SIZE = 8 * 1024 * 1024
HEARTBEAT_POLL = 1.0  # seconds between checks of when the next heartbeat is due


class FrameDecoder(Protocol):
    """Turn one raw frame into events (and replies); never raises on bad input."""

    def decode(self, data: bytes | str) -> Decoded: ...


@dataclass(frozen=True, slots=True)
class Target:
    """Where to connect, found by the bootstrap step."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    auth: bytes | str | None = None


@dataclass(frozen=True, slots=True)
class Timing:
    """Connection timing knobs (seconds)."""

    connect_timeout: float = 10.0
    read_timeout: float = 70.0
    heartbeat_interval: float = 10.0
    heartbeat_timeout: float | None = None
    backoff_base: float = 1.0
    backoff_cap: float = 60.0
    healthy_after: float = 30.0


class SessionEnded(Exception):
    """Raised inside a session to end it with a known reason."""

    def __init__(self, why: Disconnect) -> None:
        super().__init__(why.reason or str(why.code))
        self.why = why


class WsCollector(ABC):
    """A collector that keeps one WebSocket to a platform open for one room."""

    # Platforms that drop a client heartbeating before its auth is accepted (Bilibili).
    heartbeat_after_auth = False

    def __init__(
        self,
        *,
        name: str,
        stats: SourceStats,
        decoder: FrameDecoder,
        timing: Timing,
        recorder: FrameRecorder | None = None,
        dedup_size: int = 50_000,
    ) -> None:
        self.name = name
        self.stats = stats
        self.decoder = decoder
        self.timing = timing
        self.recorder = recorder
        self.recent = RecentIds(dedup_size)
        self.policy = ReconnectPolicy(
            base=timing.backoff_base, cap=timing.backoff_cap, healthy_after=timing.healthy_after
        )
        self.last_disconnect: Disconnect | None = None
        self._last_hb_reply = 0.0
        self._ending: Disconnect | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._authed = asyncio.Event()

    @abstractmethod
    async def bootstrap(self, http: aiohttp.ClientSession) -> Target:
        """Find the URL (and auth) for the next connection; raise to retry later."""

    def heartbeat_interval(self) -> float:
        """Return the seconds until the next heartbeat (platforms may ask for another pace)."""
        return self.timing.heartbeat_interval

    def heartbeat_frame(self) -> bytes | str | None:
        """Return the frame to send every heartbeat interval (None: send nothing)."""
        return None

    async def on_session_end(self, http: aiohttp.ClientSession) -> None:
        """Release whatever the bootstrap acquired (open-platform sessions)."""
        return None

    async def run(self, emit: Emit) -> None:
        """Stay connected until cancelled."""
        loop = asyncio.get_running_loop()
        timeout = aiohttp.ClientTimeout(total=None, connect=self.timing.connect_timeout)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            try:
                while True:
                    started = loop.time()
                    why = await self._session(http, emit)
                    self.last_disconnect = why
                    self.stats.connected(False)
                    self.stats.restart()
                    delay = self.policy.next_delay(why, loop.time() - started)
                    log.warning(
                        "source %s disconnected (code=%s reason=%s error=%r); retry in %.2fs",
                        self.name,
                        why.code,
                        why.reason,
                        why.error,
                        delay,
                    )
                    await asyncio.sleep(delay)
            finally:
                self.stats.connected(False)
                if self.recorder is not None:
                    await self.recorder.flush()

    async def _session(self, http: aiohttp.ClientSession, emit: Emit) -> Disconnect:
        try:
            try:
                target = await self.bootstrap(http)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                return Disconnect(error=exc, reason="bootstrap failed")
            try:
                return await self._connected(http, target, emit)
            except SessionEnded as end:
                return end.why
            except TimeoutError as exc:
                return Disconnect(error=exc, reason="read timeout")
            except (aiohttp.ClientError, OSError, ValueError) as exc:
                return Disconnect(error=exc, reason="connection error")
        finally:
            self._ws = None
            with contextlib.suppress(Exception):
                await self.on_session_end(http)

    async def _connected(
        self, http: aiohttp.ClientSession, target: Target, emit: Emit
    ) -> Disconnect:
        async with http.ws_connect(
            target.url,
            headers=target.headers,
            autoping=True,  # answer the server's pings, or it drops us (1006 after ~40 s)
            heartbeat=None,
            max_msg_size=MAX_MSG_SIZE,
            timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=2.0),
        ) as ws:
            self.stats.connected(True)
            self._ending = None
            self._ws = ws
            if target.auth is not None:
                await self._send(ws, target.auth)
            self._last_hb_reply = asyncio.get_running_loop().time()
            self._authed.clear()
            tasks = [asyncio.create_task(self._heartbeats(ws))]
            if callable(getattr(self.decoder, "flush_due", None)):
                tasks.append(asyncio.create_task(self._flush_due(emit)))
            try:
                return await self._read(ws, emit, tasks[0])
            finally:
                # Not suppress(CancelledError): a cancel of this task landing here must survive.
                await stop_tasks(tasks)

    async def end_session(self, why: Disconnect) -> None:
        """End the current connection from outside the read loop (expired bootstrap session)."""
        ws = self._ws
        if ws is not None and not ws.closed:
            self._ending = why
            await ws.close(code=4000, message=why.reason.encode()[:100])

    async def _read(
        self, ws: aiohttp.ClientWebSocketResponse, emit: Emit, beat: asyncio.Task[None]
    ) -> Disconnect:
        while True:
            msg = await ws.receive(timeout=self.timing.read_timeout)
            if msg.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT):
                result = await self.handle_frame(msg.data, emit)
                for reply in result.replies:
                    await self._send(ws, reply)
                if result.heartbeat_reply:
                    self._last_hb_reply = asyncio.get_running_loop().time()
                if result.authenticated:
                    self._authed.set()
                if result.close is not None:
                    await ws.close()
                    return result.close
            elif msg.type == aiohttp.WSMsgType.ERROR:
                return Disconnect(code=ws.close_code, error=ws.exception(), reason="ws error")
            elif msg.type in (
                aiohttp.WSMsgType.CLOSE,
                aiohttp.WSMsgType.CLOSING,
                aiohttp.WSMsgType.CLOSED,
            ):
                if self._ending is not None:
                    return self._ending
                return Disconnect(code=ws.close_code, reason="closed by server")

    async def handle_frame(self, data: bytes | str, emit: Emit) -> Decoded:
        """Decode one frame, record it, and emit its new events (deduplicated)."""
        self.stats.frame()
        if self.recorder is not None:
            self.recorder.record(data)
            await self.recorder.maybe_flush()
        result = self.decoder.decode(data)
        for event in result.events:
            await self.deliver(event, emit)
        return result

    async def deliver(self, event: AnyEvent, emit: Emit) -> None:
        if not event.id.startswith("rw-") and self.recent.seen(event.id):
            return
        self.stats.delivered(event)
        await emit(event)

    async def _send(self, ws: aiohttp.ClientWebSocketResponse, frame: bytes | str) -> None:
        if self.recorder is not None:
            self.recorder.record(frame, incoming=False)
        if isinstance(frame, bytes):
            await ws.send_bytes(frame)
        else:
            await ws.send_str(frame)

    async def _flush_due(self, emit: Emit) -> None:
        """Deliver what the decoder held back and is now due (finished gift streaks)."""
        flush = self.decoder.flush_due  # type: ignore[attr-defined]
        while True:
            await asyncio.sleep(HEARTBEAT_POLL)
            for event in flush():
                await self.deliver(event, emit)

    async def _heartbeats(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        loop = asyncio.get_running_loop()
        limit = self.timing.heartbeat_timeout
        sent_at = float("-inf")
        if self.heartbeat_after_auth:
            await self._authed.wait()
            self._last_hb_reply = loop.time()
        while not ws.closed:
            if loop.time() - sent_at >= self.heartbeat_interval():
                frame = self.heartbeat_frame()
                if frame is not None:
                    await self._send(ws, frame)
                sent_at = loop.time()
            # Wake at least every HEARTBEAT_POLL s so a new pace asked by the platform applies.
            await asyncio.sleep(min(self.heartbeat_interval(), HEARTBEAT_POLL))
            if limit is not None and loop.time() - self._last_hb_reply > limit:
                self._ending = Disconnect(reason="heartbeat timeout")
                await ws.close(code=4000, message=b"heartbeat timeout")
                return
