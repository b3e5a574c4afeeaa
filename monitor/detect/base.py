"""The Detector seam and a first keyword detector.

A Detector returns the flags of one event (sensitive, negative). `observe` adds the
plain observation every event yields (a comment, a metric reading, a stream state) so
that plans can count rates, ratios and absences.
"""

from __future__ import annotations

from typing import Protocol

from alerts.model import Evidence, Severity, Signal, SignalKind
from config.detection import DetectionConfig
from monitor.events import (
    AnyEvent,
    CommentEvent,
    MetricEvent,
    SpeechEvent,
    StreamEvent,
    StreamStatus,
)


class Detector(Protocol):
    """Flag one event: return its sensitive and negative signals (often none)."""

    def detect(self, event: AnyEvent) -> list[Signal]: ...


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
        value = 1.0 if event.status is StreamStatus.LIVE else 0.0
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


class KeywordDetector:
    """Flag comments and speech containing configured terms (plain substring match)."""

    def __init__(self, config: DetectionConfig) -> None:
        self._terms = [
            (term, cat.id, Severity(cat.severity))
            for cat in config.categories
            for term in cat.terms
        ]
        self._negative = list(config.negative_terms)

    def detect(self, event: AnyEvent) -> list[Signal]:
        if not isinstance(event, CommentEvent | SpeechEvent):
            return []
        text = event.text
        user = event.user if isinstance(event, CommentEvent) else "host"
        out: list[Signal] = []
        for term, category, severity in self._terms:
            start = text.find(term)
            if start >= 0:
                ev = Evidence(category, term, start, start + len(term))
                out.append(
                    Signal(
                        event.room,
                        event.ts,
                        SignalKind.SENSITIVE,
                        category=category,
                        severity=severity,
                        user=user,
                        text=text,
                        event_id=event.id,
                        source=event.source,
                        evidence=(ev,),
                    )
                )
                break
        if isinstance(event, CommentEvent):
            for term in self._negative:
                start = text.find(term)
                if start >= 0:
                    ev = Evidence("negative", term, start, start + len(term))
                    out.append(
                        Signal(
                            event.room,
                            event.ts,
                            SignalKind.NEGATIVE,
                            category="negative",
                            user=user,
                            text=text,
                            event_id=event.id,
                            source=event.source,
                            score=1.0,
                            evidence=(ev,),
                        )
                    )
                    break
        return out
