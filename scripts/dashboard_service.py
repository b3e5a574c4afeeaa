"""Dashboard rows about the service itself: notifications, pipeline, Redis and instances."""

from __future__ import annotations

from dashboard_layout import CLUSTER_ROW, RANGE, RATE, Layout, quantile


def add_notifications(g: Layout) -> None:
    """Add the row of notification delivery."""
    g.row("Notifications")
    g.add(
        "timeseries",
        "Notifications sent per minute",
        [
            (
                f"60 * sum by (notifier, reason) (rate(roomwatch_notifications_total[{RATE}]))",
                "{{notifier}} {{reason}}",
            )
        ],
    )
    g.add(
        "timeseries",
        "Notification failures per minute",
        [
            (
                f"60 * sum by (notifier) (rate(roomwatch_notification_failures_total[{RATE}]))",
                "{{notifier}}",
            )
        ],
    )
    g.add("stat", "Dead letters", [("sum(roomwatch_dead_letters)", "dead letters")])
    g.add(
        "timeseries",
        "Notification delivery time (p90 in range)",
        [
            (
                quantile(0.9, "roomwatch_notification_delivery_seconds", "notifier", RANGE),
                "{{notifier}}",
            )
        ],
        w=12,
        unit="s",
    )
    g.add(
        "timeseries",
        "Notifications waiting per notifier",
        [("sum by (notifier) (roomwatch_notification_queue_depth)", "{{notifier}}")],
        w=12,
    )


def add_pipeline(g: Layout) -> None:
    """Add the row of pipeline and source health."""
    g.row("Pipeline health")
    g.add(
        "timeseries",
        "Events in per second by source",
        [(f"sum by (source) (rate(roomwatch_events_total[{RATE}]))", "{{source}}")],
    )
    g.add(
        "timeseries",
        "Events rejected and dropped per second",
        [
            (
                f"sum by (source, reason) (rate(roomwatch_events_rejected_total[{RATE}]))",
                "rejected {{source}} {{reason}}",
            ),
            (
                f"sum by (source) (rate(roomwatch_events_dropped_total[{RATE}]))",
                "dropped {{source}}",
            ),
        ],
    )
    g.add(
        "timeseries",
        "Pipeline queue",
        [
            ("sum(roomwatch_pipeline_queue_depth)", "depth"),
            ("sum(roomwatch_pipeline_queue_capacity)", "capacity"),
        ],
    )
    g.add(
        "timeseries",
        "Pipeline latency (queue to alerts)",
        [
            (quantile(0.5, "roomwatch_pipeline_latency_seconds", "", RATE), "p50"),
            (quantile(0.99, "roomwatch_pipeline_latency_seconds", "", RATE), "p99"),
        ],
        unit="s",
    )
    g.add(
        "timeseries",
        "Detection latency per event",
        [
            (quantile(0.5, "roomwatch_detection_latency_seconds", "", RATE), "p50"),
            (quantile(0.99, "roomwatch_detection_latency_seconds", "", RATE), "p99"),
        ],
        unit="s",
    )
    g.add(
        "timeseries",
        "Detection errors per second",
        [(f"sum(rate(roomwatch_detection_errors_total[{RATE}]))", "errors")],
    )
    g.add(
        "timeseries",
        "Sources connected",
        [("roomwatch_source_connected", "{{source}}")],
    )
    g.add(
        "timeseries",
        "Source reconnects in range and decode errors per second",
        [
            (
                f"sum by (source) (increase(roomwatch_source_reconnects_total[{RANGE}]))",
                "reconnects {{source}}",
            ),
            (
                # Sources without a decode error show 0 rather than nothing.
                f"sum by (source) (rate(roomwatch_decode_errors_total[{RATE}])) "
                f"or 0 * sum by (source) (rate(roomwatch_source_frames_total[{RATE}]))",
                "decode errors {{source}}",
            ),
        ],
    )
    g.add(
        "timeseries",
        "Source lag",
        [("roomwatch_source_lag_seconds", "{{source}}")],
        unit="s",
    )
    g.add(
        "timeseries",
        "Instances up",
        [('up{job="roomwatch"}', "{{instance}}")],
        w=6,
    )
    g.add(
        "timeseries",
        "CPU (cores)",
        [(f'rate(process_cpu_seconds_total{{job="roomwatch"}}[{RATE}])', "{{instance}}")],
        w=6,
    )
    g.add(
        "timeseries",
        "Resident memory",
        [('process_resident_memory_bytes{job="roomwatch"}', "{{instance}}")],
        w=6,
        unit="bytes",
    )
    g.add(
        "timeseries",
        "Console feed clients",
        [("sum(roomwatch_feed_clients)", "clients")],
        w=6,
    )
    g.add(
        "stat",
        "Lexicon: last reload ok, terms",
        [
            ("min(roomwatch_lexicon_last_reload_ok)", "last reload ok"),
            ("max(roomwatch_lexicon_terms)", "terms"),
        ],
        w=12,
        h=5,
        options={"textMode": "value_and_name", "graphMode": "none"},
    )


def add_cluster(g: Layout) -> None:
    """Add the row read only in cluster mode (Redis store, several instances)."""
    g.row(CLUSTER_ROW)
    g.add(
        "stat",
        "Instances and rooms leased",
        [
            ("max(roomwatch_cluster_instances)", "instances"),
            ("sum(roomwatch_cluster_leases_owned)", "rooms leased"),
        ],
        options={"textMode": "value_and_name", "graphMode": "none"},
    )
    g.add(
        "timeseries",
        "Rooms leased per instance",
        [("sum by (instance) (roomwatch_cluster_leases_owned)", "{{instance}}")],
    )
    g.add(
        "timeseries",
        "Input streams per second",
        [
            (f"sum(rate(roomwatch_stream_written_total[{RATE}]))", "written"),
            (f"sum by (how) (rate(roomwatch_stream_read_total[{RATE}]))", "read {{how}}"),
            (f"sum(rate(roomwatch_stream_acked_total[{RATE}]))", "acked"),
        ],
    )
    g.add(
        "timeseries",
        "Console feed relayed between instances per second",
        [
            (
                f"sum by (direction) (rate(roomwatch_feed_relayed_total[{RATE}]))",
                "{{direction}}",
            )
        ],
        w=12,
    )
    g.add(
        "table",
        "Lease changes in range",
        [
            (
                f"sum by (instance, change) "
                f"(increase(roomwatch_cluster_lease_changes_total[{RANGE}]))",
                "",
            )
        ],
        w=12,
    )
