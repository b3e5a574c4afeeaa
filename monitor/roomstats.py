"""Live room figures for the console: viewers, comment rate, negative ratio, open alerts.

Sampled from the service's own Prometheus counters every few seconds, so the pipeline
needs no extra hook and the console shows the same numbers Grafana does.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass

from prometheus_client import Counter, Gauge

WINDOW = 60.0  # seconds the rates and ratios are taken over
SAMPLE_EVERY = 2.0


@dataclass(frozen=True, slots=True)
class Sample:
    at: float
    comments: dict[str, float]
    negatives: dict[str, float]


def _by_room(metric: Counter | Gauge, suffix: str, **match: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for family in metric.collect():
        for s in family.samples:
            if not s.name.endswith(suffix):
                continue
            if any(s.labels.get(k) != v for k, v in match.items()):
                continue
            room = s.labels.get("room", "")
            out[room] = out.get(room, 0.0) + s.value
    return out


class RoomStats:
    """Keep a minute of counter samples and derive per-room rates from them."""

    def __init__(self, comments: Counter, flags: Counter, gauges: Gauge) -> None:
        self._comments = comments
        self._flags = flags
        self._gauges = gauges
        self._samples: deque[Sample] = deque()

    def sample(self, now: float | None = None) -> None:
        """Record the counters now; drop samples older than the window."""
        now = time.monotonic() if now is None else now
        self._samples.append(
            Sample(
                now,
                _by_room(self._comments, "_total"),
                _by_room(self._flags, "_total", kind="negative"),
            )
        )
        while len(self._samples) > 2 and now - self._samples[1].at >= WINDOW:
            self._samples.popleft()

    def figures(self, rooms: list[str]) -> dict[str, dict[str, float | None]]:
        """Return per room: viewers, comments per minute and the negative ratio over the window."""
        viewers = _by_room(self._gauges, "", name="online_viewers")
        out: dict[str, dict[str, float | None]] = {}
        first = self._samples[0] if self._samples else None
        last = self._samples[-1] if self._samples else None
        span = (last.at - first.at) if first and last else 0.0
        for room in rooms:
            rate: float | None = None
            ratio: float | None = None
            if first and last and span > 0:
                comments = last.comments.get(room, 0.0) - first.comments.get(room, 0.0)
                negatives = last.negatives.get(room, 0.0) - first.negatives.get(room, 0.0)
                rate = comments * 60.0 / span
                ratio = negatives / comments if comments > 0 else 0.0
            out[room] = {
                "viewers": viewers.get(room),
                "comments_per_min": rate,
                "negative_ratio": ratio,
            }
        return out
