"""The console's room figures agree with the Prometheus series Grafana reads."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from config.loader import load_config_text
from monitor.app import build_service
from monitor.events import CommentEvent, MetricEvent
from monitor.roomstats import RoomStats

CONFIG = """
rooms: [{id: room-a}, {id: room-b}]
detection:
  categories: [{id: contact, terms: [加我微信]}]
plans: {items: []}
"""


async def test_room_figures_match_the_counters_and_gauges() -> None:
    service = build_service(load_config_text(CONFIG), registry=CollectorRegistry())
    stats = RoomStats(service.negative_ratio.counts, service.pipeline.room_values)
    now = service.clock.now()

    def comment(i: int, room: str, text: str) -> CommentEvent:
        return CommentEvent(room=room, ts=now, id=f"c{i}", user=f"u{i}", text=text)

    stats.sample(now=0.0)
    texts = ["主播好漂亮", "质量太差了，退货退款", "多少钱", "假货，骗子，退钱"]
    for i in range(40):
        await service.pipeline.process(comment(i, "room-a", texts[i % 4]))
    for i in range(40, 50):
        await service.pipeline.process(comment(i, "room-b", "好看"))
    viewers = MetricEvent(room="room-a", ts=now, id="m1", name="online_viewers", value=1234.0)
    await service.pipeline.process(viewers)
    stats.sample(now=30.0)
    figures = stats.figures(["room-a", "room-b"])

    registry = service.registry
    for room in ("room-a", "room-b"):
        comments = registry.get_sample_value("roomwatch_comments_total", {"room": room}) or 0.0
        negatives = sum(
            s.value
            for family in registry.collect()
            for s in family.samples
            if s.name == "roomwatch_flags_total"
            and s.labels["room"] == room
            and s.labels["kind"] == "negative"
        )
        assert figures[room]["comments_per_min"] == comments * 60.0 / 30.0
        assert figures[room]["negative_ratio"] == (negatives / comments if comments else 0.0)
    assert figures["room-a"]["negative_ratio"] not in (None, 0.0)
    assert figures["room-a"]["viewers"] == registry.get_sample_value(
        "roomwatch_room_metric", {"room": "room-a", "name": "online_viewers"}
    )
    assert figures["room-b"]["viewers"] is None


def test_the_rooms_overview_is_shared_for_a_second_per_room_set() -> None:
    from monitor.web.api import OVERVIEW_TTL, OverviewCache

    cache = OverviewCache()
    cache.put(("room-a", "room-b"), 100.0, b"both")
    cache.put(("room-a",), 100.0, b"one")
    assert cache.get(("room-a", "room-b"), 100.0 + OVERVIEW_TTL / 2) == b"both"
    assert cache.get(("room-a",), 100.5) == b"one"
    assert cache.get(("room-b",), 100.5) is None
    assert cache.get(("room-a", "room-b"), 100.0 + OVERVIEW_TTL) is None
