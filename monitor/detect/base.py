"""The Detector seam and the observation every event yields.

A Detector returns the flags of one event (sensitive, negative). `observe` adds the
plain observation every event yields (a comment, a metric reading, a stream state) so
that plans can count rates, ratios and absences.
"""

from __future__ import annotations

from typing import Protocol

from alerts.model import Signal, SignalKind
from monitor.events import (
    AnyEvent,
    CommentEvent,
    MetricEvent,
    StreamEvent,
    StreamStatus,
)


class Detector(Protocol):
    """Flag one event: return its sensitive and negative signals (often none)."""

    def detect(self, event: AnyEvent) -> list[Signal]: ...


# The stream state as a number for threshold conditions: 1 live, 0 interrupted (paused, or
# cut by the platform), -1 ended by the host. "== 0" is trouble; a normal end is not.
STREAM_VALUES = {
    StreamStatus.LIVE: 1.0,
    StreamStatus.PAUSED: 0.0,
    StreamStatus.CUT: 0.0,
    StreamStatus.ENDED: -1.0,
}


def observe(event: AnyEvent) -> Signal:
    """Return the observation every event yields, flagged or not."""
    if isinstance(event, CommentEvent):
        return Signal(
            event.room,
            event.ts,
            SignalKind.COMMENT,
            user=event.user,
            event_id=event.id,
            source=event.source,
        )
    if isinstance(event, MetricEvent):
        return Signal(
            event.room,
            event.ts,
            SignalKind.METRIC,
            name=event.name,
            value=event.value,
            event_id=event.id,
            source=event.source,
        )
    if isinstance(event, StreamEvent):
        value = STREAM_VALUES[event.status]
        return Signal(
            event.room,
            event.ts,
            SignalKind.STREAM,
            name=event.status.value,
            value=value,
            event_id=event.id,
            source=event.source,
        )
    return Signal(
        event.room,
        event.ts,
        SignalKind.ACTIVITY,
        name=event.kind.value,
        event_id=event.id,
        source=event.source,
    )
