"""Prometheus metrics of the Redis side: store errors, leases, streams and feed fan-out."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge


class ClusterMetrics:
    """Metrics for store writes that failed and for the multi-instance machinery."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.store_errors = Counter(
            "roomwatch_store_errors_total",
            "Store operations that failed (Redis unreachable or refusing); op names the call.",
            ["op"],
            registry=registry,
        )
        self.leases_owned = Gauge(
            "roomwatch_cluster_leases_owned",
            "Rooms leased to this instance.",
            registry=registry,
        )
        self.lease_changes = Counter(
            "roomwatch_cluster_lease_changes_total",
            "Room leases gained or given up by this instance.",
            ["change"],  # acquired | lost | released
            registry=registry,
        )
        self.renewals_late = Counter(
            "roomwatch_cluster_lease_renewals_late_total",
            "Lease renewals that ran after the local validity had passed (event loop busy); "
            "Redis confirmed the leases, so they were kept.",
            registry=registry,
        )
        self.instances = Gauge(
            "roomwatch_cluster_instances",
            "Live instances seen in the membership set.",
            registry=registry,
        )
        self.stream_written = Counter(
            "roomwatch_stream_written_total",
            "Events written to the per-room input streams.",
            registry=registry,
        )
        self.stream_write_failed = Counter(
            "roomwatch_stream_write_failed_total",
            "Events that could not be written to an input stream (Redis down).",
            registry=registry,
        )
        self.stream_read = Counter(
            "roomwatch_stream_read_total",
            "Stream entries handed to the pipeline.",
            ["how"],  # new | claimed | retried
            registry=registry,
        )
        self.stream_acked = Counter(
            "roomwatch_stream_acked_total",
            "Stream entries acknowledged after processing.",
            registry=registry,
        )
        self.stream_bad = Counter(
            "roomwatch_stream_bad_entries_total",
            "Stream entries that were not valid events (acknowledged and recorded).",
            registry=registry,
        )
        self.stream_retried = Counter(
            "roomwatch_stream_retry_total",
            "Entries left pending because processing failed on a store error.",
            registry=registry,
        )
        self.stream_backlog = Gauge(
            "roomwatch_stream_backlog",
            "Unprocessed entries (pending + not yet read) in the input stream of a room "
            "this instance owns.",
            ["room"],
            registry=registry,
        )
        self.stream_trimmed = Counter(
            "roomwatch_stream_trimmed_total",
            "Processed entries trimmed from the input streams this instance owns.",
            registry=registry,
        )
        self.stream_refused = Counter(
            "roomwatch_stream_refused_total",
            "Times ingest refused events (503) because the input streams were full.",
            ["reason"],  # backlog | room_backlog | buffer
            registry=registry,
        )
        self.feed_relayed = Counter(
            "roomwatch_feed_relayed_total",
            "Feed items exchanged with other instances over pub/sub.",
            ["direction"],  # out | in | backfill
            registry=registry,
        )
        self.redis_errors = Counter(
            "roomwatch_cluster_redis_errors_total",
            "Redis errors met by a cluster loop; the loop retries with backoff.",
            ["loop"],
            registry=registry,
        )
