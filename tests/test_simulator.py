"""The simulator: seeded, realistic Chinese room traffic whose incidents raise every demo alert."""

from __future__ import annotations

import asyncio
import itertools
import random
import re
from collections import Counter

from prometheus_client import CollectorRegistry

from alerts.clock import ManualClock, SystemClock
from alerts.manager import AlertChange
from config.loader import default_config_path, load_config
from config.sources import SimulatorSource
from monitor.app import build_detector, build_service
from monitor.collectors import phrases
from monitor.collectors.simulator import RoomSimulator
from monitor.collectors.traffic import TICK, TrafficScript
from monitor.events import (
    AnyEvent,
    CommentEvent,
    MetricEvent,
    SpeechEvent,
    StreamEvent,
    event_to_dict,
)
from monitor.metrics import ServiceMetrics
from tests.detect_support import compile_once

ORIGIN = 1_763_769_600.0
ROOMS = ["room-a", "room-b", "room-c"]
HAN = re.compile(r"[\u4e00-\u9fff]")


def run_script(seed: int | None, seconds: float, every: float = 20.0) -> list[AnyEvent]:
    script = TrafficScript(rooms=ROOMS, rate=6, incident_every=every, seed=seed, origin=ORIGIN)
    events: list[AnyEvent] = []
    while script.t < seconds:
        events.extend(script.step())
    return events


def without_ids(events: list[AnyEvent]) -> list[dict[str, object]]:
    return [{k: v for k, v in event_to_dict(e).items() if k != "id"} for e in events]


def test_same_seed_same_traffic_other_seed_other_traffic() -> None:
    first = without_ids(run_script(7, 60))
    assert first == without_ids(run_script(7, 60))
    assert first != without_ids(run_script(8, 60))


def test_every_event_kind_and_incident_within_two_minutes() -> None:
    events = run_script(3, 120)
    kinds = Counter(e.kind.value for e in events)
    assert set(kinds) == {
        "comment",
        "metric",
        "gift",
        "like",
        "follow",
        "member",
        "stream",
        "speech",
    }
    comments = [e for e in events if isinstance(e, CommentEvent)]
    # Ordinary traffic dominates and reads as Chinese; questions are part of it.
    assert sum(1 for c in comments if HAN.search(c.text)) > 0.8 * len(comments)
    assert any(c.text.endswith(("吗", "啊")) or "多少" in c.text for c in comments)
    texts = Counter(c.text for c in comments)
    assert sum(texts[t] for t in phrases.SENSITIVE) >= 10
    assert sum(texts[t] for t in phrases.NEGATIVE) >= 50
    statuses = [e.status.value for e in events if isinstance(e, StreamEvent)]
    assert statuses == ["paused", "live"]  # an interruption, then back
    assert all(e.ts > ORIGIN for e in events)
    assert [e.ts for e in events] == sorted(e.ts for e in events)


def test_viewer_crash_halves_the_audience_and_recovers() -> None:
    # The third incident (room-c, at 45 s) is the viewer crash.
    viewers = [
        (e.ts - ORIGIN, e.value)
        for e in run_script(5, 120)
        if isinstance(e, MetricEvent) and e.room == "room-c" and e.name == "online_viewers"
    ]
    before = max(v for t, v in viewers if 35 <= t < 45)
    bottom = min(v for t, v in viewers if 45 <= t < 70)
    after = max(v for t, v in viewers if 90 <= t < 105)  # before its outage at 105 s
    assert bottom < 0.5 * before
    assert after > 2 * bottom


def test_outage_silences_one_room_for_forty_seconds() -> None:
    # The sixth incident (room-c, at 105 s) is a collector outage.
    events = run_script(4, 200)
    room_c = sorted(e.ts - ORIGIN for e in events if e.room == "room-c")
    gaps = [(b - a, a) for a, b in itertools.pairwise(room_c)]
    longest, start = max(gaps)
    assert 39 <= longest <= 41 and 104 <= start <= 106
    others = sorted(e.ts - ORIGIN for e in events if e.room == "room-a")
    assert max(b - a for a, b in itertools.pairwise(others)) < 5


def test_ordinary_phrases_raise_no_flag_and_incident_phrases_do() -> None:
    config = load_config(default_config_path())
    detector = build_detector(config, compiler=compile_once)
    rng = random.Random(0)

    def flags(text: str, speech: bool = False) -> set[str]:
        event: AnyEvent
        if speech:
            event = SpeechEvent(room="room-a", ts=ORIGIN, id="s", text=text)
        else:
            event = CommentEvent(room="room-a", ts=ORIGIN, id="c", text=text, user="u")
        return {s.kind.value for s in detector.detect(event)}

    ordinary = [*phrases.CHATTER, *phrases.QUESTIONS, *phrases.ORDERS]
    assert [t for t in ordinary if flags(phrases.fill(t, rng))] == []
    assert [t for t in phrases.HOST if flags(phrases.fill(t, rng), speech=True)] == []
    assert all(flags(t) == {"sensitive"} for t in phrases.SENSITIVE)
    assert all(flags(t, speech=True) == {"sensitive"} for t in phrases.HOST_AD_LAW)
    detected = [t for t in phrases.NEGATIVE if flags(t) == {"negative"}]
    assert len(detected) >= 0.75 * len(phrases.NEGATIVE)


def test_host_speech_sometimes_breaks_the_advertising_law() -> None:
    speech = [e.text for e in run_script(11, 900, every=1000) if isinstance(e, SpeechEvent)]
    ad_law = [t for t in speech if t in phrases.HOST_AD_LAW]
    assert len(speech) > 200
    assert 0 < len(ad_law) < 0.25 * len(speech)


def test_storm_multiplies_the_comment_rate() -> None:
    events = run_script(2, 90)

    # The fourth incident (room-a, at 65 s) is the comment storm, for 20 s.
    def rate(lo: float, hi: float) -> float:
        n = sum(
            1
            for e in events
            if isinstance(e, CommentEvent) and e.room == "room-a" and lo <= e.ts - ORIGIN < hi
        )
        return n / (hi - lo)

    assert rate(66, 84) > 8 * rate(40, 60)


async def test_demo_traffic_raises_every_demo_alert_type_within_two_minutes() -> None:
    config = load_config(default_config_path())
    [src] = [s for s in config.sources if isinstance(s, SimulatorSource)]
    clock = ManualClock(ORIGIN)
    service = build_service(
        config, clock=clock, registry=CollectorRegistry(), compiler=compile_once
    )
    raised: dict[str, float] = {}

    async def on_change(change: AlertChange) -> None:
        raised.setdefault(change.alert.plan_id, clock.now() - ORIGIN)

    service.manager.subscribe(on_change)
    script = TrafficScript(
        rooms=[r.id for r in config.rooms],
        rate=src.rate,
        incident_every=src.incident_every,
        seed=src.seed,
        origin=ORIGIN,
    )
    steps = 0
    while script.t < 120:
        events = script.step()
        clock.set(ORIGIN + script.t)
        for event in events:
            await service.pipeline.process(event)
        steps += 1
        if steps % round(1 / TICK) == 0:
            await service.pipeline.tick()
    expected = {p.id for p in service.engine.plans}
    assert expected <= set(raised), f"missing: {expected - set(raised)}"
    assert raised["sensitive_burst"] < 15  # the first incident comes within seconds


async def test_room_simulator_paces_and_stamps_events_with_the_clock() -> None:
    metrics = ServiceMetrics(CollectorRegistry())
    sim = RoomSimulator(
        name="sim",
        rooms=["room-a"],
        rate=40,
        incident_every=60,
        clock=SystemClock(),
        metrics=metrics,
        seed=1,
    )
    got: list[AnyEvent] = []
    enough = asyncio.Event()

    async def emit(event: AnyEvent) -> bool:
        got.append(event)
        if len(got) >= 30:
            enough.set()
        return True

    started = SystemClock().now()
    task = asyncio.create_task(sim.run(emit))
    await asyncio.wait_for(enough.wait(), 20)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert all(e.source == "sim" and e.ts >= started for e in got)
    frames = metrics.registry.get_sample_value("roomwatch_source_frames_total", {"source": "sim"})
    assert frames == len(got)
