"""The service's Prometheus metrics (ingest, detection, collectors, pipeline).

Labels are bounded: rooms come from the config, sources from the config, kinds and
categories from fixed sets or the lexicon config. Never a user id or free text. The
catalogue is in docs/metrics.md; tests/test_metrics_catalogue.py keeps the two in step.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from importlib.metadata import PackageNotFoundError, version
from typing import TypeVar, cast

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    disable_created_metrics,
)
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

# The `_created` series double every counter and histogram on each scrape and no
# dashboard or rule reads them; dropping them keeps /metrics cheap.
disable_created_metrics()  # type: ignore[no-untyped-call]

DETECTION_BUCKETS = (0.00001, 0.00002, 0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.005, 0.02)
LOOP_LAG_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
PIPELINE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)

# Room gauges exported as roomwatch_room_metric{name=...}; other names in MetricEvents
# still reach detection and plans but are not exported, so input cannot grow the label set.
ROOM_GAUGE_NAMES = frozenset(
    {"online_viewers", "likes_total", "comment_rate", "gmv", "followers", "gifts_value"}
)

UNKNOWN_SOURCE = "unknown"

LabelledValues = Iterable[tuple[tuple[str, ...], float]]
_Child = TypeVar("_Child", Counter, Gauge)
_go_float = cast(Callable[[float], str], floatToGoString)  # the library leaves it untyped


def package_version() -> str:
    """Return the installed roomwatch version, or 'dev' when running from a tree."""
    try:
        return version("roomwatch")
    except PackageNotFoundError:
        return "dev"


class ServiceMetrics:
    """Every metric of monitor/, registered on the registry the app passes in."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.build_info = Gauge(
            "roomwatch_build_info",
            "Always 1; the version label tells which roomwatch is running.",
            ["version"],
            registry=registry,
        )
        self.build_info.labels(package_version()).set(1)
        # Counted here, never in the audit log (monitor/access/failures.py).
        self.auth_failures = Counter(
            "roomwatch_auth_failures_total",
            "Failed authentications: wrong logins, unknown tokens, throttled attempts.",
            ["kind", "reason"],
            registry=registry,
        )
        self.events = Counter(
            "roomwatch_events_total",
            "Events accepted into the pipeline.",
            ["room", "source", "kind"],
            registry=registry,
        )
        self.events_rejected = Counter(
            "roomwatch_events_rejected_total",
            "Events rejected at the edge; reason is a fixed code (malformed, invalid, ...).",
            ["source", "reason"],
            registry=registry,
        )
        self.events_dropped = Counter(
            "roomwatch_events_dropped_total",
            "Events dropped because the pipeline queue was full.",
            ["source"],
            registry=registry,
        )
        self.queue_depth = Gauge(
            "roomwatch_pipeline_queue_depth",
            "Events waiting in the pipeline queue.",
            registry=registry,
        )
        self.queue_capacity = Gauge(
            "roomwatch_pipeline_queue_capacity",
            "Size of the pipeline queue.",
            registry=registry,
        )
        self.loop_lag = LatencyHistogram(
            "roomwatch_event_loop_lag_seconds",
            "How late the event loop ran a timer due now: the delay every task sees.",
            buckets=LOOP_LAG_BUCKETS,
            registry=registry,
        )
        self.pipeline_latency = LatencyHistogram(
            "roomwatch_pipeline_latency_seconds",
            "Time from an event entering the queue to its alerts being handled.",
            buckets=PIPELINE_BUCKETS,
            registry=registry,
        )
        self.flags = Counter(
            "roomwatch_flags_total",
            "Sensitive or negative flags raised by detection.",
            ["room", "kind", "category"],
            registry=registry,
        )
        self.comments = Counter(
            "roomwatch_comments_total",
            "Viewer comments analysed.",
            ["room"],
            registry=registry,
        )
        self.detection_latency = LatencyHistogram(
            "roomwatch_detection_latency_seconds",
            "Detection time for one event.",
            buckets=DETECTION_BUCKETS,
            registry=registry,
        )
        self.detection_errors = Counter(
            "roomwatch_detection_errors_total",
            "Events whose detection raised an error.",
            registry=registry,
        )
        self.detector_restarts = Counter(
            "roomwatch_detector_process_restarts_total",
            "Detector processes started again after one died (pipeline.detect_processes).",
            registry=registry,
        )
        self.source_up = Gauge(
            "roomwatch_source_connected",
            "1 when the source is connected and receiving.",
            ["source"],
            registry=registry,
        )
        self.source_reconnects = Counter(
            "roomwatch_source_reconnects_total",
            "Times a source reconnected or was restarted after a failure.",
            ["source"],
            registry=registry,
        )
        self.source_frames = Counter(
            "roomwatch_source_frames_total",
            "Raw frames or messages received by a source.",
            ["source"],
            registry=registry,
        )
        self.decode_errors = Counter(
            "roomwatch_decode_errors_total",
            "Frames a source could not decode; reason is a fixed code per decoder.",
            ["source", "reason"],
            registry=registry,
        )
        self.source_ignored = Counter(
            "roomwatch_source_ignored_total",
            "Platform messages of known types that carry nothing roomwatch uses (not errors).",
            ["source"],
            registry=registry,
        )
        self.source_lag = Gauge(
            "roomwatch_source_lag_seconds",
            "Age of the newest event a source delivered, at delivery.",
            ["source"],
            registry=registry,
        )
        self.room_gauge = Gauge(
            "roomwatch_room_metric",
            "Latest reading of a room gauge (online_viewers, gmv, ...).",
            ["room", "name"],
            registry=registry,
        )
        self.feed_clients = Gauge(
            "roomwatch_feed_clients",
            "Console feed websocket clients connected.",
            registry=registry,
        )
        self.feed_dropped = Counter(
            "roomwatch_feed_dropped_total",
            "Feed messages dropped for slow console clients.",
            registry=registry,
        )

    @property
    def source_restarts(self) -> Counter:
        """Return the reconnect counter (the supervisor counts its restarts there too)."""
        return self.source_reconnects

    def init_sources(self, sources: Iterable[str]) -> None:
        """Create the per-source series at zero so a silent source still shows up."""
        for name in sources:
            self.source_up.labels(name)
            self.source_reconnects.labels(name)
            self.source_frames.labels(name)
            self.events_dropped.labels(name)


class CallbackGauges(Collector):
    """Expose one gauge family whose values are computed at scrape time."""

    def __init__(
        self, name: str, doc: str, labels: list[str], read: Callable[[], LabelledValues]
    ) -> None:
        self._name, self._doc, self._labels, self._read = name, doc, labels, read

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(self._name, self._doc, labels=self._labels)
        for label_values, value in self._read():
            family.add_metric(list(label_values), value)
        yield family

    def describe(self) -> Iterator[Metric]:
        # Describing without reading keeps registration free of side effects.
        yield GaugeMetricFamily(self._name, self._doc, labels=self._labels)


class LabelCache(dict[tuple[str, ...], _Child]):
    """A labelled metric's children by label values.

    `labels()` checks its arguments and takes a lock on every call, several times the cost
    of the increment itself; on the per-event path the child is looked up here instead.
    """

    def __init__(self, metric: _Child) -> None:
        super().__init__()
        self._metric: _Child = metric

    def __missing__(self, values: tuple[str, ...]) -> _Child:
        child: _Child = self._metric.labels(*values)
        self[values] = child
        return child


class LatencyHistogram(Collector):
    """A histogram without labels, observed once or twice per event on the event loop.

    Exposed exactly as prometheus_client's Histogram (same buckets, `le` values, `_count`
    and `_sum`), but an observation is one bisect and two additions: only the loop thread
    writes, and a scrape (in a worker thread) copies the counts before summing them.
    """

    def __init__(
        self, name: str, doc: str, *, buckets: Iterable[float], registry: CollectorRegistry
    ) -> None:
        bounds = [float(b) for b in buckets]
        if bounds != sorted(bounds):
            raise ValueError("buckets not in sorted order")
        if not bounds or bounds[-1] != math.inf:
            bounds.append(math.inf)
        self._name, self._doc = name, doc
        self._bounds = bounds
        self._le = [_go_float(b) for b in bounds]
        self._counts = [0] * len(bounds)
        self._sum = 0.0
        registry.register(self)

    def observe(self, amount: float) -> None:
        """Record one observation (the first bucket whose bound is >= amount counts it)."""
        self._counts[bisect_left(self._bounds, amount)] += 1
        self._sum += amount

    def collect(self) -> Iterator[Metric]:
        counts, total = list(self._counts), self._sum
        cumulative: list[tuple[str, float]] = []
        acc = 0.0
        for le, count in zip(self._le, counts, strict=True):
            acc += count
            cumulative.append((le, acc))
        family = HistogramMetricFamily(self._name, self._doc)
        family.add_metric([], cumulative, sum_value=total)
        yield family

    def describe(self) -> Iterator[Metric]:
        yield HistogramMetricFamily(self._name, self._doc)
