"""Response times: the histograms by controller and by room, and the report figures and CSV."""

from __future__ import annotations

import csv
import io

from prometheus_client import CollectorRegistry

from alerts.manager import AlertChange
from alerts.metrics import AlertMetrics
from alerts.model import Alert, AlertState, CommentAction, FlaggedComment, Severity, SignalKind
from alerts.reports import build_report, percentile, report_csv
from alerts.response import ResponseTimes
from tests.console.conftest import Running

T0 = 1_750_000_000.0


def alert(
    n: int,
    room: str,
    *,
    acked: float | None = None,
    by: str | None = None,
    resolved: float | None = None,
    deadline: float = 120.0,
    escalated: int = 0,
    comments: tuple[FlaggedComment, ...] = (),
) -> Alert:
    return Alert(
        id=f"a{n}",
        fingerprint=f"f{n}",
        room=room,
        plan_id="p",
        plan_name="P",
        severity=Severity.WARNING,
        group_key="",
        state=AlertState.RESOLVED if resolved is not None else AlertState.FIRING,
        started_at=T0,
        updated_at=T0,
        acked_at=None if acked is None else T0 + acked,
        acked_by=by,
        resolved_at=None if resolved is None else T0 + resolved,
        resolved_by=by if resolved is not None else None,
        ack_deadline=T0 + deadline,
        escalation_level=escalated,
        comments=comments,
    )


def test_percentile_interpolates_between_ranks() -> None:
    assert percentile([], 0.9) is None
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([10.0, 20.0, 30.0, 40.0, 50.0], 0.5) == 30.0
    assert percentile([10.0, 20.0, 30.0, 40.0, 50.0], 0.9) == 46.0  # 40 + 0.6 * 10


def test_report_per_controller_and_room() -> None:
    handled = FlaggedComment(
        "e1",
        T0 + 1,
        "u",
        "加我微信",
        "contact",
        SignalKind.SENSITIVE,
        action=CommentAction.DELETED,
        handled_at=T0 + 9,
        handled_by="li",
    )
    alerts = [
        alert(1, "r1", acked=10, by="li", resolved=100, comments=(handled,)),
        alert(2, "r1", acked=30, by="li", resolved=300),
        alert(3, "r2", acked=200, by="li", escalated=1),  # acked after its 120 s deadline
        alert(4, "r2", acked=50, by="wang", resolved=60),
        alert(5, "r2", escalated=2),  # never acked, deadline passed at "now"
        alert(6, "r2", deadline=10_000),  # not acked yet, deadline still ahead: not judged
    ]
    rows = {r.key: r for r in build_report(alerts, "controller", now=T0 + 1000)}
    li = rows["li"]
    assert (li.alerts, li.acknowledged, li.resolved, li.escalated) == (3, 3, 2, 1)
    assert li.ack_median == 30.0 and li.ack_p90 == 166.0  # 30 + 0.8 * 170
    assert li.resolve_median == 200.0
    assert li.within_deadline == 2 / 3
    assert (li.comments_handled, li.handle_median) == (1, 8.0)
    wang = rows["wang"]
    assert (wang.ack_median, wang.resolve_median, wang.within_deadline) == (50.0, 60.0, 1.0)
    unassigned = rows["(unassigned)"]
    assert (unassigned.alerts, unassigned.within_deadline, unassigned.escalated) == (2, 0.0, 1)
    by_room = {r.key: r for r in build_report(alerts, "room", now=T0 + 1000)}
    assert by_room["r1"].alerts == 2 and by_room["r1"].within_deadline == 1.0
    assert by_room["r2"].alerts == 4 and by_room["r2"].within_deadline == 1 / 3
    assert by_room["r2"].escalated == 2
    table = list(csv.reader(io.StringIO(report_csv(list(by_room.values()), "room"))))
    assert table[0][:4] == ["room", "alerts", "acknowledged", "resolved"]
    assert table[1][0] == "r1" and table[1][1] == "2" and table[1][4] == "20.000"


async def test_listener_observes_first_ack_resolve_and_handling() -> None:
    registry = CollectorRegistry()
    metrics = AlertMetrics(registry)
    listener = ResponseTimes(metrics)
    base = alert(1, "r1")
    acked = base.evolve(state=AlertState.ACKNOWLEDGED, acked_at=T0 + 12, acked_by="li")
    from alerts.model import HistoryEntry

    acked = acked.evolve(history=(HistoryEntry(T0 + 12, "acknowledged", "li"),))
    await listener.on_change(AlertChange(acked, base, "acknowledged"))
    resolved = acked.evolve(state=AlertState.RESOLVED, resolved_at=T0 + 70, resolved_by="system")
    await listener.on_change(AlertChange(resolved, acked, "resolved"))

    def value(name: str, **labels: str) -> float | None:
        return registry.get_sample_value(name, labels)

    labels = {"controller": "li"}
    assert value("roomwatch_time_to_acknowledge_seconds_sum", **labels) == 12.0
    assert value("roomwatch_time_to_acknowledge_seconds_bucket", **labels, le="10.0") == 0.0
    assert value("roomwatch_time_to_acknowledge_seconds_bucket", **labels, le="30.0") == 1.0
    assert value("roomwatch_room_time_to_acknowledge_seconds_sum", room="r1") == 12.0
    assert value("roomwatch_room_time_to_acknowledge_seconds_count", room="r1") == 1.0
    # Auto-resolved by the system: credited to whoever acknowledged.
    assert value("roomwatch_time_to_resolve_seconds_sum", **labels) == 70.0
    # No series carries both a room and a controller (their product is the `full` detail).
    for family in registry.collect():
        for sample in family.samples:
            assert not {"room", "controller"} <= sample.labels.keys(), sample


async def test_full_detail_keeps_room_plan_and_controller() -> None:
    registry = CollectorRegistry()
    listener = ResponseTimes(AlertMetrics(registry, detail="full"))
    base = alert(1, "r1")
    from alerts.model import HistoryEntry

    acked = base.evolve(
        state=AlertState.ACKNOWLEDGED,
        acked_at=T0 + 12,
        acked_by="li",
        history=(HistoryEntry(T0 + 12, "acknowledged", "li"),),
    )
    await listener.on_change(AlertChange(acked, base, "acknowledged"))
    labels = {"room": "r1", "plan": "p", "controller": "li"}
    assert registry.get_sample_value("roomwatch_time_to_acknowledge_seconds_sum", labels) == 12.0
    assert (
        registry.get_sample_value("roomwatch_time_to_acknowledge_seconds_sum", {"controller": "li"})
        is None
    )
    room = {"room": "r1"}
    assert registry.get_sample_value("roomwatch_room_time_to_acknowledge_seconds_sum", room) == 12.0


async def test_acting_through_the_api_moves_histograms_and_report(running: Running) -> None:
    await running.incident("r1", tag="m")
    [alert_r1] = await running.service.store.list_alerts(rooms=["r1"])
    running.clock.advance(15)
    a = await running.session("ctl-a")
    async with a:
        url = f"{running.base}/api/v1/alerts/{alert_r1.id}"
        event_id = alert_r1.comments[0].event_id
        async with a.post(f"{url}/comments/{event_id}", json={"action": "muted"}) as r:
            assert r.status == 200
        async with a.post(f"{url}/ack") as r:
            assert r.status == 200
        running.clock.advance(45)
        async with a.post(f"{url}/resolve") as r:
            assert r.status == 200
        async with a.get(f"{running.base}/metrics") as r:
            text = await r.text()
        assert 'roomwatch_time_to_acknowledge_seconds_sum{controller="ctl-a"} 15.0' in text
        assert 'roomwatch_room_time_to_acknowledge_seconds_sum{room="r1"} 15.0' in text
        assert 'roomwatch_time_to_resolve_seconds_sum{controller="ctl-a"} 60.0' in text
        assert 'roomwatch_time_to_handle_comment_seconds_count{controller="ctl-a"} 1.0' in text
        async with a.get(f"{running.base}/api/v1/reports/response-times?by=controller") as r:
            rows = {row["key"]: row for row in (await r.json())["rows"]}
        assert rows["ctl-a"]["ack_median"] == 15.0 and rows["ctl-a"]["resolve_median"] == 60.0
        assert rows["ctl-a"]["within_deadline"] == 1.0 and rows["ctl-a"]["comments_handled"] == 1
        async with a.get(f"{running.base}/api/v1/reports/response-times?by=room&format=csv") as r:
            assert r.content_type == "text/csv"
            lines = (await r.text()).splitlines()
        assert lines[0].startswith("room,alerts") and lines[1].startswith("r1,1,1,1,15.000")
        async with a.get(f"{running.base}/api/v1/reports/response-times?by=team") as r:
            assert r.status == 400 and "by" in (await r.json())["error"]
        async with a.get(f"{running.base}/api/v1/reports/response-times?since=yesterday") as r:
            assert r.status == 400 and "since" in (await r.json())["error"]
    await running.incident("r2", tag="n")
    b = await running.session("ctl-b")
    async with b, b.get(f"{running.base}/api/v1/reports/response-times?by=room") as r:
        assert [row["key"] for row in (await r.json())["rows"]] == ["r2"]  # only their rooms
