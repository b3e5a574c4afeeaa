"""The service's Prometheus metrics (ingest, detection, collectors, pipeline).

Labels are bounded: rooms come from the config, sources from the config, kinds and
categories from fixed sets. Never a user id or free text. The catalogue is in
docs/metrics.md.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

DETECTION_BUCKETS = (0.00001, 0.00002, 0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.005, 0.02)
PIPELINE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class ServiceMetrics:
    """Every metric of monitor/, registered on the registry the app passes in."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.events = Counter(
            "roomwatch_events_total",
            "Events accepted into the pipeline.",
            ["room", "source", "kind"],
            registry=registry,
        )
        self.events_rejected = Counter(
            "roomwatch_events_rejected_total",
            "Events rejected at the edge (malformed or unknown room).",
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
        self.pipeline_latency = Histogram(
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
        self.detection_latency = Histogram(
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
        self.source_up = Gauge(
            "roomwatch_source_connected",
            "1 when the source is connected and receiving.",
            ["source"],
            registry=registry,
        )
        self.source_restarts = Counter(
            "roomwatch_source_restarts_total",
            "Times a crashed or disconnected source was restarted.",
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
            "Frames a source could not decode.",
            ["source", "reason"],
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


class CallbackGauges(Collector):
    """Expose gauges computed at scrape time (negative ratio, open alerts)."""

    def __init__(self, name: str, doc: str, labels: list[str], read: object) -> None:
        self._name, self._doc, self._labels, self._read = name, doc, labels, read

    def collect(self):  # type: ignore[no-untyped-def]
        family = GaugeMetricFamily(self._name, self._doc, labels=self._labels)
        for label_values, value in self._read():  # type: ignore[operator]
            family.add_metric(list(label_values), value)
        yield family
