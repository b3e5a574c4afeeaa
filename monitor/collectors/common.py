"""Parts every network collector shares: stats, dedup, text limits and the reconnect policy."""

from __future__ import annotations

import logging
import random
import time
from collections import OrderedDict
from dataclasses import dataclass

import aiohttp

from monitor.events import MAX_TEXT_LEN, AnyEvent
from monitor.metrics import ServiceMetrics

log = logging.getLogger(__name__)

# Bounded label values for roomwatch_decode_errors_total{reason=...}.
MALFORMED = "malformed"
TRUNCATED = "truncated"
DECOMPRESS = "decompress"
UNKNOWN_TYPE = "unknown_type"
BAD_EVENT = "bad_event"
REASONS = (MALFORMED, TRUNCATED, DECOMPRESS, UNKNOWN_TYPE, BAD_EVENT)


class SourceStats:
    """Per-source counters on the service's metrics, plus local tallies tests can read."""

    def __init__(self, name: str, metrics: ServiceMetrics) -> None:
        self.name = name
        self._m = metrics
        self.errors: dict[str, int] = dict.fromkeys(REASONS, 0)
        self.frames = 0
        self.restarts = 0
        self.connects = 0
        self.unknown_methods: set[str] = set()
        self.ignored: dict[str, int] = {}

    def connected(self, up: bool) -> None:
        if up:
            self.connects += 1
        self._m.source_up.labels(self.name).set(1 if up else 0)

    def restart(self) -> None:
        self.restarts += 1
        self._m.source_restarts.labels(self.name).inc()

    def frame(self) -> None:
        self.frames += 1
        self._m.source_frames.labels(self.name).inc()

    def error(self, reason: str) -> None:
        self.errors[reason] = self.errors.get(reason, 0) + 1
        self._m.decode_errors.labels(self.name, reason).inc()

    def unknown(self, method: str) -> None:
        """Count a message type we do not decode (kept as a bounded sample for logs)."""
        if len(self.unknown_methods) < 64 and method[:64] not in self.unknown_methods:
            self.unknown_methods.add(method[:64])
            log.info("source %s: unknown message type %r (counted, skipped)", self.name, method)
        self.error(UNKNOWN_TYPE)

    def ignore(self, method: str) -> None:
        """Count a message type we know and choose not to decode (never an error)."""
        key = method[:64]
        if key in self.ignored or len(self.ignored) < 256:
            self.ignored[key] = self.ignored.get(key, 0) + 1
        self._m.source_ignored.labels(self.name).inc()

    def delivered(self, event: AnyEvent) -> None:
        self._m.source_lag.labels(self.name).set(max(0.0, time.time() - event.ts))

    @property
    def error_total(self) -> int:
        return sum(self.errors.values())


class RecentIds:
    """A bounded LRU of platform message ids; `seen` records an id and says if it was known."""

    def __init__(self, maxsize: int = 50_000) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._max = maxsize

    def seen(self, key: str) -> bool:
        if not key:
            return False
        if key in self._ids:
            self._ids.move_to_end(key)
            return True
        self._ids[key] = None
        if len(self._ids) > self._max:
            self._ids.popitem(last=False)
        return False

    def forget(self, key: str) -> None:
        """Drop an id (its message was not taken after all: a redelivery is new)."""
        self._ids.pop(key, None)

    def __len__(self) -> int:
        return len(self._ids)


def clip(text: str, limit: int = MAX_TEXT_LEN) -> str:
    """Cut text to what an Event accepts."""
    return text if len(text) <= limit else text[:limit]


def clip_id(value: object, limit: int = 128) -> str:
    return str(value)[:limit] if value not in (None, "") else ""


@dataclass(frozen=True, slots=True)
class Disconnect:
    """Why a session ended: a WebSocket close code, an error, or both."""

    code: int | None = None
    error: BaseException | None = None
    rebootstrap: bool = False
    reason: str = ""


# Close codes after which reconnecting at once would only be refused again.
SLOW_CODES = {1008: 30.0, 1013: 5.0, 1011: 2.0, 4001: 30.0, 4003: 30.0}
FAST_CODES = {1000, 1001, 1012}
# Handshake answers: rate limited or refused (429/401/403) and "detected" upgrades answered
# with a plain 200 (Douyin DEVICE_BLOCKED) only get worse when retried at once.
HANDSHAKE_FLOORS = {429: 30.0, 401: 30.0, 403: 30.0, 200: 10.0, 415: 10.0}


def error_floor(error: BaseException | None) -> float:
    """Return the least wait an error deserves before the next try."""
    if isinstance(error, aiohttp.WSServerHandshakeError):
        return HANDSHAKE_FLOORS.get(error.status, 2.0)
    if isinstance(error, aiohttp.ClientResponseError) and error.status == 429:
        return 30.0
    return 0.0


class ReconnectPolicy:
    """Exponential backoff with jitter whose floor depends on the close code or error."""

    def __init__(
        self,
        *,
        base: float = 1.0,
        cap: float = 60.0,
        healthy_after: float = 30.0,
        rng: random.Random | None = None,
    ) -> None:
        self.base, self.cap, self.healthy_after = base, cap, healthy_after
        self.attempt = 0
        self._rng = rng or random.Random()

    def next_delay(self, why: Disconnect, session_seconds: float) -> float:
        """Return how long to wait before the next connect."""
        if session_seconds >= self.healthy_after:
            self.attempt = 0
        ceiling = min(self.cap, self.base * (2**self.attempt))
        self.attempt += 1
        delay = self._rng.uniform(ceiling / 2, ceiling)
        if why.code in FAST_CODES and self.attempt == 1:
            # A server going away or restarting: the first retry can be quick.
            delay = self._rng.uniform(0, self.base / 2)
        floor = max(SLOW_CODES.get(why.code or 0, 0.0), error_floor(why.error))
        return min(max(delay, min(floor, self.cap)), self.cap)


@dataclass(slots=True)
class Decoded:
    """What one raw frame yielded: events, frames to send back, and session control."""

    events: list[AnyEvent]
    replies: list[bytes | str]
    errors: int = 0
    controls: int = 0  # frames understood that carry no events (acks, heartbeat replies)
    heartbeat_reply: bool = False
    authenticated: bool = False  # the platform accepted our auth (heartbeats may start)
    close: Disconnect | None = None

    @classmethod
    def empty(cls) -> Decoded:
        return cls([], [])

    def accounted(self) -> bool:
        """True when the frame produced something: events, a counted error, or a control."""
        return bool(self.events or self.errors or self.controls or self.replies or self.close)
