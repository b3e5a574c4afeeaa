"""The fast /metrics encoder writes exactly what prometheus_client's generate_latest does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Enum,
    Gauge,
    Histogram,
    Info,
    Summary,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from config.loader import default_config_path, load_config
from monitor.app import build_service
from monitor.events import CommentEvent, MetricEvent, new_event_id
from monitor.exposition import ExpositionError, render
from tests.detect_support import compile_once


def _every_type(registry: CollectorRegistry, value: str) -> None:
    Counter("c_total", "a counter\nwith a \\ newline", ["a", "b"], registry=registry).labels(
        value, "x"
    ).inc(3)
    Gauge("g", "a gauge", registry=registry).set(-1.5e-9)
    Gauge("g_inf", "inf", ["z"], registry=registry).labels("q").set(float("inf"))
    h = Histogram("h_seconds", "hist", ["room"], buckets=(0.1, 1, 10), registry=registry)
    h.labels(value).observe(0.5)
    Summary("s", "summary", registry=registry).observe(2)
    Info("build", "info", registry=registry).info({"version": value})
    Enum("state", "enum", states=["a", "b"], registry=registry).state("b")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=30))
def test_output_is_identical_for_every_type_and_any_label_value(value: str) -> None:
    registry = CollectorRegistry()
    _every_type(registry, value)
    assert render(registry) == generate_latest(registry)


async def test_output_is_identical_for_a_busy_service() -> None:
    service = build_service(
        load_config(default_config_path()), registry=CollectorRegistry(), compiler=compile_once
    )
    now = service.clock.now()
    for i, text in enumerate(["多少钱", "加我微信", "质量太差了退款", "骗子"] * 20):
        room = f"room-{'abc'[i % 3]}"
        await service.pipeline.process(
            CommentEvent(room=room, ts=now, id=new_event_id(), source="simulator", text=text)
        )
        await service.pipeline.process(
            MetricEvent(
                room=room,
                ts=now,
                id=new_event_id(),
                source="simulator",
                name="online_viewers",
                value=float(i),
            )
        )
    body = render(service.registry)
    assert body == generate_latest(service.registry)
    assert b"roomwatch_negative_ratio{room=" in body


class _Illegal(Collector):
    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily("room.watch", "dotted names need the UTF-8 format", value=1)


def test_illegal_names_are_refused_not_written() -> None:
    registry = CollectorRegistry()
    registry.register(_Illegal())
    with pytest.raises(ExpositionError, match=r"room\.watch"):
        render(registry)
