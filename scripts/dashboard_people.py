"""Dashboard rows about people: controllers' response times, viewer questions and broadcasts."""

from __future__ import annotations

from dashboard_layout import RANGE, RATE, ROOM_ACK, Layout, quantile


def add_response_times(g: Layout) -> None:
    """Add the row of controllers' (and rooms') response times."""
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
        "Time to handle a flagged comment by controller (p50 / p90 in range)",
        [
            (
                quantile(0.5, "roomwatch_time_to_handle_comment_seconds", "controller", RANGE),
                "p50 {{controller}}",
            ),
            (
                quantile(0.9, "roomwatch_time_to_handle_comment_seconds", "controller", RANGE),
                "p90 {{controller}}",
            ),
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
        "Slowest rooms to acknowledge (mean in range, s, top 10)",
        [
            (
                f"topk(10, sum by (room) (increase({ROOM_ACK}_sum[{RANGE}])) "
                f"/ (sum by (room) (increase({ROOM_ACK}_count[{RANGE}])) > 0))",
                "",
            )
        ],
        unit="s",
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


def add_questions(g: Layout) -> None:
    """Add the row of viewer questions and broadcasts."""
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
