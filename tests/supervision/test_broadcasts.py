"""Broadcast sessions from stream events: a dropped stream that comes back is the same one."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from alerts.clock import ManualClock
from alerts.store.memory import MemoryStore
from config.loader import load_config_text
from monitor.detect.questions import classify_question
from monitor.events import CommentEvent, StreamEvent, StreamStatus
from monitor.supervision.service import Supervision

T0 = 1_764_547_200.0


def supervision(rejoin: float = 120) -> tuple[Supervision, ManualClock]:
    config = load_config_text(
        f"rooms: [{{id: r1}}]\nsupervision: {{rejoin_within: {rejoin}}}\n", env={}
    )
    clock = ManualClock(T0)
    return (
        Supervision(config, MemoryStore(), clock, CollectorRegistry(), classify_question),
        clock,
    )


def stream(status: StreamStatus, ts: float) -> StreamEvent:
    return StreamEvent(room="r1", ts=ts, id=f"s{ts}", status=status)


def comment(ts: float) -> CommentEvent:
    return CommentEvent(room="r1", ts=ts, id=f"c{ts}", text="好看", user=f"v{ts}")


async def test_a_stream_live_again_soon_after_it_ended_is_the_same_broadcast() -> None:
    s, clock = supervision()
    s.observe(stream(StreamStatus.LIVE, T0), [])
    s.observe(comment(T0 + 10), [])
    s.observe(stream(StreamStatus.ENDED, T0 + 60), [])
    s.observe(comment(T0 + 70), [])  # while it is down: not counted
    clock.set(T0 + 100)
    assert await s.tick(clock.now()) == [] and s.built == []
    s.observe(stream(StreamStatus.LIVE, T0 + 150), [])  # 90 s later: the same broadcast
    s.observe(comment(T0 + 200), [])
    s.observe(stream(StreamStatus.ENDED, T0 + 300), [])
    clock.set(T0 + 420)
    await s.tick(clock.now())
    assert s.built == []  # not yet rejoin_within past the end
    clock.set(T0 + 421)
    await s.tick(clock.now())
    [review] = s.built
    assert review["broadcast"]["started_at"] == T0
    assert review["broadcast"]["ended_at"] == T0 + 300
    assert review["figures"]["comments"] == 2


async def test_without_a_rejoin_window_an_end_is_final_and_a_hand_end_is_at_once() -> None:
    s, clock = supervision(rejoin=0)
    s.observe(stream(StreamStatus.LIVE, T0), [])
    s.observe(stream(StreamStatus.ENDED, T0 + 60), [])
    s.observe(stream(StreamStatus.LIVE, T0 + 61), [])
    await s.tick(clock.now())
    assert [r["broadcast"]["ended_at"] for r in s.built] == [T0 + 60]
    assert s.live["r1"].started_at == T0 + 61
    ended = s.end("r1", "ctl-a", T0 + 90)
    assert ended is not None and ended.ended_by == "ctl-a"
    await s.tick(clock.now())
    assert len(s.built) == 2 and s.end("r1", "ctl-a", T0 + 95) is None
