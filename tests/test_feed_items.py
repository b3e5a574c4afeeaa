"""Feed items for alert changes: the whole alert when created, only what changed after."""

from __future__ import annotations

from dataclasses import replace

from alerts.model import (
    Alert,
    AlertState,
    CommentAction,
    FlaggedComment,
    HistoryEntry,
    Severity,
    SignalKind,
    alert_to_dict,
    comment_to_dict,
)
from monitor.feed import alert_item


def comment(n: int) -> FlaggedComment:
    return FlaggedComment(
        f"e{n}", float(n), f"u{n}", f"加我微信{n}", "contact", SignalKind.SENSITIVE
    )


def alert(comments: int, history: int = 1) -> Alert:
    return Alert(
        "a1", "fp", "r1", "p", "敏感评论", Severity.CRITICAL, "", AlertState.FIRING, 1.0, 1.0,
        comments=tuple(comment(n) for n in range(comments)),
        history=tuple(HistoryEntry(float(n), "created" if n == 0 else "x") for n in range(history)),
    )  # fmt: skip


def test_a_new_alert_is_sent_whole() -> None:
    a = alert(3)
    assert alert_item(a, None) == alert_to_dict(a)


def test_grouping_sends_only_the_new_comment() -> None:
    before = alert(200)
    after = before.evolve(comments=(*before.comments, comment(200))[-200:], version=2)
    data = alert_item(after, before)
    assert data["comments"] == [comment_to_dict(comment(200))]
    assert data["history"] == []
    assert (data["comments_total"], data["base_version"], data["version"]) == (200, 1, 2)
    assert {k: v for k, v in data.items() if k not in ("comments", "history")} == {
        **{k: v for k, v in alert_to_dict(after, comments=False).items() if k != "history"},
        "comments_total": 200,
        "base_version": 1,
    }


def test_a_handled_comment_and_a_new_history_entry_are_sent() -> None:
    before = alert(5, history=500)
    handled = replace(before.comments[2], action=CommentAction.DELETED, handled_by="ctl")
    entry = HistoryEntry(600.0, "comment_deleted", "ctl", "e2")
    after = before.evolve(
        comments=(*before.comments[:2], handled, *before.comments[3:]),
        history=(*before.history, entry)[-500:],  # trimmed at the front
        version=2,
    )
    data = alert_item(after, before)
    assert data["comments"] == [comment_to_dict(handled)]
    assert data["history"] == [
        {"ts": 600.0, "action": "comment_deleted", "actor": "ctl", "detail": "e2"}
    ]


def test_an_acknowledgement_sends_no_comments() -> None:
    before = alert(50)
    entry = HistoryEntry(9.0, "acknowledged", "ctl")
    after = before.evolve(
        state=AlertState.ACKNOWLEDGED, history=(*before.history, entry), version=2
    )
    data = alert_item(after, before)
    assert data["comments"] == [] and data["comments_total"] == 50
    assert [h["action"] for h in data["history"]] == ["acknowledged"]
    assert data["state"] == "acknowledged"


async def test_fan_out_reaches_exactly_the_interested_clients() -> None:
    from prometheus_client import CollectorRegistry

    from alerts.store.memory import MemoryStore
    from monitor.feed import FeedHub
    from monitor.metrics import ServiceMetrics

    hub = FeedHub(MemoryStore(), ServiceMetrics(CollectorRegistry()))
    r1, both, everyone = hub.subscribe(["r1"]), hub.subscribe(["r1", "r2"]), hub.subscribe(None)
    await hub.publish("flag", "r2", 1.0, {"n": 1})
    await hub.publish("flag", "r1", 2.0, {"n": 2})
    assert [i.data["n"] for i in r1.items] == [2]
    assert [i.data["n"] for i in both.items] == [1, 2]
    assert [i.data["n"] for i in everyone.items] == [1, 2]
    hub.unsubscribe(both)
    hub.unsubscribe(both)  # twice is harmless
    await hub.publish("flag", "r2", 3.0, {"n": 3})
    assert len(both.items) == 2 and [i.data["n"] for i in everyone.items] == [1, 2, 3]
    r1.capacity = 1  # a client that cannot keep up is marked lagged, others go on
    await hub.publish("flag", "r1", 4.0, {"n": 4})
    assert r1.lagged and [i.data["n"] for i in everyone.items] == [1, 2, 3, 4]
