"""Property test of the alert state machine: any sequence of actions keeps its invariants."""

from __future__ import annotations

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st

from alerts.clock import ManualClock
from alerts.manager import AlertActionError, AlertManager
from alerts.model import Alert, AlertState
from alerts.store.memory import MemoryStore
from tests.alerting.helpers import make_plan, trigger

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["fire", "clear", "ack", "unack", "resolve", "tick"]),
        st.integers(min_value=0, max_value=30),
    ),
    max_size=40,
)


def check(alert: Alert) -> None:
    assert (alert.acked_at is not None) == (alert.state is AlertState.ACKNOWLEDGED) or (
        alert.state is AlertState.RESOLVED
    )
    assert (alert.resolved_at is not None) == (alert.state is AlertState.RESOLVED)
    times = [h.ts for h in alert.history]
    assert times == sorted(times)
    assert alert.history[0].action == "created"
    if alert.state is AlertState.FIRING:
        assert alert.ack_deadline is not None and alert.acked_by is None


async def play(actions: list[tuple[str, int]]) -> None:
    clock = ManualClock()
    store = MemoryStore()
    plan = make_plan()
    mgr = AlertManager(store, clock, [plan])
    holds = {plan.id: plan.resolve_hold}.get
    versions: dict[str, int] = {}
    for action, dt in actions:
        clock.advance(dt / 10)
        alerts = await store.list_alerts()
        target = alerts[0].id if alerts else None
        try:
            if action == "fire":
                await mgr.handle(trigger(plan, clock.now()))
            elif action == "clear":
                await mgr.handle(trigger(plan, clock.now(), firing=False))
            elif action == "tick":
                await mgr.tick(holds)
            elif target is not None:
                op = {"ack": mgr.acknowledge, "unack": mgr.unacknowledge, "resolve": mgr.resolve}
                await op[action](target, "zhang")
        except AlertActionError as exc:
            assert exc.status == 409  # a wrong-state action is refused, never half-applied
        open_alerts = [a for a in await store.list_alerts() if a.is_open]
        assert len(open_alerts) <= 1  # one open alert per fingerprint
        for a in await store.list_alerts():
            check(a)
            assert a.version >= versions.get(a.id, 0)
            versions[a.id] = a.version


@settings(max_examples=150, deadline=None)
@given(ACTIONS)
def test_any_action_sequence_keeps_the_invariants(actions: list[tuple[str, int]]) -> None:
    asyncio.run(play(actions))
