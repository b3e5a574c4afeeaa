"""A scrape stays bounded as rooms grow, and is gzipped when the scraper asks for it.

The 1,000-room case is bench/bench_metrics_scrape.py's worst case with fewer comments per
room (the series are the same): every room has had an alert acknowledged, handled and
resolved, and has flags in three categories and two room gauges.
"""

from __future__ import annotations

import gzip

import aiohttp
import pytest
from prometheus_client import CollectorRegistry

from bench.bench_metrics_scrape import config_with_rooms, populate
from config.loader import ConfigError, load_config_text
from monitor.app import build_service
from monitor.exposition import accepts_gzip, render
from monitor.supervision.metrics import SupervisionMetrics
from tests.detect_support import compile_once
from tests.support import running

pytestmark = pytest.mark.slow

SERIES_BOUND = 20_000
PER_PERSON = ("roomwatch_time_to_", "roomwatch_question_answer_seconds")


def _series(body: bytes) -> list[str]:
    return [line for line in body.decode().splitlines() if line and not line.startswith("#")]


def _labels(line: str) -> set[str]:
    if "{" not in line:
        return set()
    inside = line[line.index("{") + 1 : line.rindex("}")]
    return {pair.split("=", 1)[0] for pair in inside.split('",') if "=" in pair}


async def test_a_thousand_rooms_scrape_within_the_series_bound() -> None:
    config = config_with_rooms(1000)
    assert config.server.metrics_response_detail == "bounded"  # the default
    service = build_service(config, compiler=compile_once)
    await populate(service, events_per_room=10)
    lines = _series(render(service.registry))
    assert len(lines) <= SERIES_BOUND, f"{len(lines)} series at 1,000 rooms"
    # The worst case was reached: every room has had an alert (its series exist), and every
    # other alert was acknowledged.
    room_acks = [
        line
        for line in lines
        if line.startswith("roomwatch_room_time_to_acknowledge_seconds_count{")
    ]
    assert len(room_acks) == 1000
    assert sum(1 for line in room_acks if not line.endswith(" 0.0")) == 500
    # Response times by person carry no room: they grow with people, not rooms.
    controllers = {u.id for u in config.people.users if u.role == "controller"}
    person_lines = [line for line in lines if line.startswith(PER_PERSON)]
    assert person_lines
    for line in person_lines:
        assert "room" not in _labels(line), line
    # Eleven series per histogram (eight buckets, +Inf, sum, count), four histograms.
    assert len(person_lines) <= 4 * 11 * len(controllers)


async def test_full_detail_keeps_the_room_plan_controller_product() -> None:
    lines: dict[str, list[str]] = {}
    for detail in ("bounded", "full"):
        service = build_service(config_with_rooms(20, detail), compiler=compile_once)
        await populate(service, events_per_room=10)
        lines[detail] = _series(render(service.registry))
    full_ack = [
        line
        for line in lines["full"]
        if line.startswith("roomwatch_time_to_acknowledge_seconds_count{")
    ]
    assert full_ack and all({"room", "plan", "controller"} <= _labels(line) for line in full_ack), (
        full_ack[:3]
    )
    # Two controllers in every room: room x plan x controller series, against two.
    assert len(full_ack) >= 20 * 2
    bounded_ack = [
        line
        for line in lines["bounded"]
        if line.startswith("roomwatch_time_to_acknowledge_seconds_count{")
    ]
    assert len(bounded_ack) == 2
    assert len(lines["full"]) > 3 * len(lines["bounded"])


def test_detail_setting_is_validated() -> None:
    with pytest.raises(ConfigError) as info:
        load_config_text("server: { metrics_response_detail: everything }\n", file="c.yaml")
    [issue] = [str(i) for i in info.value.issues]
    assert issue.startswith("c.yaml:1: server.metrics_response_detail: ")
    assert "'bounded' or 'full'" in issue
    loaded = load_config_text("server: { metrics_response_detail: full }\n", file="c.yaml")
    assert loaded.server.metrics_response_detail == "full"


@pytest.mark.parametrize(
    ("header", "gzip_ok"),
    [
        ("gzip", True),
        ("GZip", True),
        ("deflate, gzip;q=0.5", True),
        ("*", True),
        ("x-gzip", True),
        ("", False),
        ("identity", False),
        ("gzip;q=0", False),
        ("*;q=1, gzip;q=0", False),
        ("br, *;q=0", False),
        ("gzip;q=nonsense", False),
    ],
)
def test_accept_encoding_is_read_with_its_q_values(header: str, gzip_ok: bool) -> None:
    assert accepts_gzip(header) is gzip_ok


async def test_metrics_are_gzipped_only_when_asked() -> None:
    service = build_service(config_with_rooms(30), compiler=compile_once)
    await populate(service, events_per_room=10)
    async with running(service) as base, aiohttp.ClientSession(auto_decompress=False) as http:
        async with http.get(f"{base}/metrics", headers={"Accept-Encoding": "gzip"}) as r:
            assert r.status == 200
            assert r.headers["Content-Encoding"] == "gzip"
            assert "Accept-Encoding" in r.headers["Vary"]
            assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
            wire = await r.read()
        async with http.get(f"{base}/metrics", headers={"Accept-Encoding": "identity"}) as r:
            assert r.status == 200
            assert "Content-Encoding" not in r.headers
            plain = await r.read()
        async with http.get(
            f"{base}/metrics", headers={"Accept-Encoding": "gzip;q=0, deflate"}
        ) as r:
            assert "Content-Encoding" not in r.headers
            assert (await r.read()).startswith(b"# HELP ")
    text = gzip.decompress(wire)
    assert text.startswith(b"# HELP ") and b"roomwatch_room_time_to_acknowledge_seconds" in text
    assert plain.startswith(b"# HELP ")
    assert len(wire) * 5 < len(plain)
    # A client that decompresses (as Prometheus does) reads the same metrics.
    async with (
        running(service) as base,
        aiohttp.ClientSession() as http,
        http.get(f"{base}/metrics") as r,
    ):
        assert r.headers["Content-Encoding"] == "gzip"  # aiohttp asks for gzip itself
        assert "roomwatch_room_time_to_acknowledge_seconds_count" in await r.text()


def test_answer_series_start_at_zero_only_for_ways_a_room_can_be_answered() -> None:
    def answered(**kwargs: object) -> set[tuple[str, str]]:
        registry = CollectorRegistry()
        SupervisionMetrics(registry, list, list, list, ["r1", "r2"], **kwargs)  # type: ignore[arg-type]
        family = next(f for f in registry.collect() if f.name == "roomwatch_questions_answered")
        return {
            (s.labels["room"], s.labels["via"]) for s in family.samples if s.name.endswith("_total")
        }

    assert answered() == {("r1", "console"), ("r2", "console")}
    assert answered(reply_rooms=["r2"], speech=True) == {
        ("r1", "console"),
        ("r1", "speech"),
        ("r2", "console"),
        ("r2", "reply"),
        ("r2", "speech"),
    }
