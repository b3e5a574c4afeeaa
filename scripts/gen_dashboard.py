#!/usr/bin/env python3
"""Generate config/grafana/dashboards/roomwatch.json (run after editing the panels here)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from dashboard_layout import DS, Layout, quantile

OUT = Path(__file__).resolve().parents[1] / "config" / "grafana" / "dashboards" / "roomwatch.json"
RATE = "$__rate_interval"
RANGE = "$__range"
ROOM = 'room=~"$room"'
# Every instance reports every open alert (resynced from the shared store): take the max.
OPEN = "max by (room, plan, severity, state) (roomwatch_alerts_open)"
# Panels in this row read metrics that exist only with the Redis store in cluster mode.
CLUSTER_ROW = "Redis and several instances (cluster mode)"


def build() -> dict[str, Any]:
    """Return the dashboard model."""
    g = Layout()
    g.row("Rooms overview")
    g.add(
        "stat",
        "Open alerts by severity",
        [(f"sum by (severity) ({OPEN})", "{{severity}}")],
        w=6,
        h=5,
        options={"colorMode": "background", "graphMode": "none", "textMode": "value_and_name"},
    )
    g.add(
        "stat",
        "Comments per second (all rooms)",
        [(f"sum(rate(roomwatch_comments_total[{RATE}]))", "comments/s")],
        w=6,
        h=5,
        unit="short",
    )
    g.add(
        "stat",
        "Rooms receiving comments",
        [(f"count(sum by (room) (rate(roomwatch_comments_total[{RATE}])) > 0)", "rooms")],
        w=6,
        h=5,
    )
    g.add(
        "stat",
        "Flags in range",
        [(f"sum by (kind) (increase(roomwatch_flags_total[{RANGE}]))", "{{kind}}")],
        w=6,
        h=5,
        options={"textMode": "value_and_name"},
    )
    g.add(
        "timeseries",
        "Comments per second by room",
        [(f"sum by (room) (rate(roomwatch_comments_total[{RATE}]))", "{{room}}")],
    )
    g.add(
        "timeseries",
        "Negative comment share by room (last 2 min)",
        # max by room: with several instances only a room's owner counts its comments.
        [("max by (room) (roomwatch_negative_ratio)", "{{room}}")],
        unit="percentunit",
    )
    g.add(
        "timeseries",
        "Online viewers by room",
        [('max by (room) (roomwatch_room_metric{name="online_viewers"})', "{{room}}")],
    )
    g.add(
        "timeseries",
        "Flags per minute by category",
        [(f"60 * sum by (category) (rate(roomwatch_flags_total[{RATE}]))", "{{category}}")],
        w=12,
    )
    g.add(
        "table",
        "Open alerts by room and plan",
        [(OPEN, "")],
        w=12,
    )

    g.row("Room: $room")
    g.add(
        "timeseries",
        "Comments per second",
        [(f"sum(rate(roomwatch_comments_total{{{ROOM}}}[{RATE}]))", "comments/s")],
    )
    g.add(
        "timeseries",
        "Negative comment share (last 2 min)",
        [(f"max by (room) (roomwatch_negative_ratio{{{ROOM}}})", "{{room}}")],
        unit="percentunit",
    )
    g.add(
        "timeseries",
        "Online viewers",
        [(f'max by (room) (roomwatch_room_metric{{{ROOM}, name="online_viewers"}})', "{{room}}")],
    )
    g.add(
        "timeseries",
        "Flags per minute by category",
        [
            (
                f"60 * sum by (category) (rate(roomwatch_flags_total{{{ROOM}}}[{RATE}]))",
                "{{category}}",
            )
        ],
    )
    g.add(
        "timeseries",
        "Events per second by kind",
        [(f"sum by (kind) (rate(roomwatch_events_total{{{ROOM}}}[{RATE}]))", "{{kind}}")],
    )
    g.add(
        "timeseries",
        "Open alerts by plan",
        [
            (
                f"max by (plan, state) (roomwatch_alerts_open{{{ROOM}}})",
                "{{plan}} {{state}}",
            )
        ],
    )
    g.add(
        "table",
        "Alert transitions in range",
        [
            (
                f"sum by (plan, action) "
                f"(increase(roomwatch_alert_transitions_total{{{ROOM}}}[{RANGE}]))",
                "",
            )
        ],
        w=12,
    )
    g.add(
        "table",
        "Time to acknowledge in range (p50 / p90, s)",
        [
            (
                quantile(0.5, "roomwatch_time_to_acknowledge_seconds", "plan", RANGE, ROOM),
                "p50 {{plan}}",
            ),
            (
                quantile(0.9, "roomwatch_time_to_acknowledge_seconds", "plan", RANGE, ROOM),
                "p90 {{plan}}",
            ),
        ],
        w=12,
        unit="s",
    )

    g.row("Controller response times")
    for title, metric in (
        ("Time to acknowledge", "roomwatch_time_to_acknowledge_seconds"),
        ("Time to resolve", "roomwatch_time_to_resolve_seconds"),
    ):
        g.add(
            "bargauge",
            f"{title} by controller (p50 / p90 in range)",
            [
                (quantile(0.5, metric, "controller", RANGE), "p50 {{controller}}"),
                (quantile(0.9, metric, "controller", RANGE), "p90 {{controller}}"),
            ],
            unit="s",
            options={"displayMode": "basic", "orientation": "horizontal"},
        )
    g.add(
        "bargauge",
        "Time to handle a flagged comment by category (p90 in range)",
        [
            (
                quantile(0.9, "roomwatch_time_to_handle_comment_seconds", "category", RANGE),
                "{{category}}",
            )
        ],
        unit="s",
        options={"displayMode": "basic", "orientation": "horizontal"},
    )
    g.add(
        "table",
        "Alerts acknowledged per controller in range",
        [
            (
                "sum by (controller) "
                f"(increase(roomwatch_time_to_acknowledge_seconds_count[{RANGE}]))",
                "",
            )
        ],
    )
    g.add(
        "stat",
        "Acknowledged within 2 minutes",
        [
            (
                'sum(increase(roomwatch_time_to_acknowledge_seconds_bucket{le="120.0"}'
                f"[{RANGE}])) / sum(increase(roomwatch_time_to_acknowledge_seconds_count"
                f"[{RANGE}]))",
                "share",
            )
        ],
        unit="percentunit",
    )
    g.add(
        "table",
        "Escalations in range",
        [
            (
                f"sum by (room, plan, level) (increase(roomwatch_escalations_total[{RANGE}]))",
                "",
            )
        ],
    )

    g.row("Viewer questions and broadcasts")
    g.add(
        "timeseries",
        "Unanswered questions by room",
        [("max by (room) (roomwatch_questions_open)", "{{room}}")],
    )
    g.add(
        "timeseries",
        "Oldest unanswered question by room",
        [("max by (room) (roomwatch_questions_oldest_open_seconds)", "{{room}}")],
        unit="s",
    )
    g.add(
        "timeseries",
        "Questions asked and answered per minute",
        [
            (f"60 * sum(rate(roomwatch_questions_total[{RATE}]))", "asked"),
            (
                f"60 * sum by (via) (rate(roomwatch_questions_answered_total[{RATE}]))",
                "answered by {{via}}",
            ),
        ],
    )
    g.add(
        "bargauge",
        "Time to answer a question by responder (p50 / p90 in range)",
        [
            (
                quantile(0.5, "roomwatch_question_answer_seconds", "responder", RANGE),
                "p50 {{responder}}",
            ),
            (
                quantile(0.9, "roomwatch_question_answer_seconds", "responder", RANGE),
                "p90 {{responder}}",
            ),
        ],
        unit="s",
        options={"displayMode": "basic", "orientation": "horizontal"},
    )
    g.add(
        "timeseries",
        "Questions per minute by topic",
        [(f"60 * sum by (topic) (rate(roomwatch_questions_total[{RATE}]))", "{{topic}}")],
    )
    g.add(
        "stat",
        "Questions answered within 2 minutes",
        [
            (
                'sum(increase(roomwatch_question_answer_seconds_bucket{le="120.0"}'
                f"[{RANGE}])) / sum(increase(roomwatch_question_answer_seconds_count"
                f"[{RANGE}]))",
                "share",
            )
        ],
        unit="percentunit",
    )
    g.add(
        "stat",
        "Broadcasts live",
        [("sum(max by (room) (roomwatch_broadcast_live))", "live")],
    )
    g.add(
        "table",
        "Broadcasts reviewed in range by room",
        [(f"sum by (room) (increase(roomwatch_broadcasts_total[{RANGE}]))", "")],
    )

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
    return {
        "uid": "roomwatch",
        "title": "roomwatch",
        "description": "Live-commerce room monitoring: rooms, alerts, response times, pipeline.",
        "tags": ["roomwatch"],
        "timezone": "browser",
        "schemaVersion": 39,
        "version": 1,
        "editable": True,
        "graphTooltip": 1,
        "refresh": "10s",
        "time": {"from": "now-1h", "to": "now"},
        "annotations": {"list": []},
        "links": [],
        "templating": {
            "list": [
                {
                    "name": "datasource",
                    "label": "Prometheus",
                    "type": "datasource",
                    "query": "prometheus",
                    "current": {"text": "Prometheus", "value": "roomwatch-prometheus"},
                    "hide": 0,
                },
                {
                    "name": "room",
                    "label": "Room",
                    "type": "query",
                    "datasource": DS,
                    "definition": "label_values(roomwatch_negative_ratio, room)",
                    "query": {
                        "query": "label_values(roomwatch_negative_ratio, room)",
                        "refId": "rooms",
                    },
                    "refresh": 2,
                    "sort": 1,
                    "multi": False,
                    "includeAll": False,
                    "hide": 0,
                },
            ]
        },
        "panels": g.panels,
    }


def main() -> int:
    text = json.dumps(build(), indent=2, ensure_ascii=False) + "\n"
    if "--check" in sys.argv:
        return 0 if OUT.read_text(encoding="utf-8") == text else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
