"""Dashboard rows about rooms: the overview of all rooms, and one room in detail."""

from __future__ import annotations

from dashboard_layout import OPEN, RANGE, RATE, ROOM, ROOM_ACK, Layout


def add_rooms_overview(g: Layout) -> None:
    """Add the row that compares all rooms."""
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


def add_room_detail(g: Layout) -> None:
    """Add the row about the room picked in the $room variable."""
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
        "stat",
        "Time to acknowledge in range (mean, s) and acknowledgements",
        [
            (
                f"sum(increase({ROOM_ACK}_sum{{{ROOM}}}[{RANGE}])) "
                f"/ sum(increase({ROOM_ACK}_count{{{ROOM}}}[{RANGE}]))",
                "mean",
            ),
            (f"sum(increase({ROOM_ACK}_count{{{ROOM}}}[{RANGE}]))", "acknowledged"),
        ],
        w=12,
        unit="s",
        description="Per-controller percentiles are in the row below; rooms keep a count and sum.",
        options={"textMode": "value_and_name", "graphMode": "none"},
    )
