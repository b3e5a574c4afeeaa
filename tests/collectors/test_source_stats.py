"""What every collector shares: per-source figures, text limits, reconnect floors and backoff."""

from __future__ import annotations

import random
import time

import aiohttp
import pytest
from prometheus_client import CollectorRegistry

from monitor.collectors.common import (
    HANDSHAKE_FLOORS,
    UNKNOWN_TYPE,
    Decoded,
    Disconnect,
    ReconnectPolicy,
    SourceStats,
    clip,
    clip_id,
    error_floor,
)
from monitor.events import parse_event
from monitor.metrics import ServiceMetrics


def value(registry: CollectorRegistry, name: str, **labels: str) -> float | None:
    return registry.get_sample_value(name, labels)


@pytest.fixture
def stats() -> tuple[SourceStats, CollectorRegistry]:
    registry = CollectorRegistry()
    return SourceStats("dy-1", ServiceMetrics(registry)), registry


def test_connections_frames_and_lag_are_counted_per_source(
    stats: tuple[SourceStats, CollectorRegistry],
) -> None:
    s, reg = stats
    s.connected(True)
    assert value(reg, "roomwatch_source_connected", source="dy-1") == 1
    s.connected(False)
    s.connected(True)
    assert s.connects == 2
    assert value(reg, "roomwatch_source_connected", source="dy-1") == 1
    s.connected(False)
    assert value(reg, "roomwatch_source_connected", source="dy-1") == 0
    s.frame()
    s.frame()
    assert s.frames == 2
    assert value(reg, "roomwatch_source_frames_total", source="dy-1") == 2
    s.restart()
    assert s.restarts == 1
    assert value(reg, "roomwatch_source_reconnects_total", source="dy-1") == 1
    event = parse_event({"kind": "comment", "room": "r", "text": "x", "ts": time.time() - 5})
    s.delivered(event)
    lag = value(reg, "roomwatch_source_lag_seconds", source="dy-1")
    assert lag is not None and 4.5 <= lag <= 10
    future = parse_event({"kind": "comment", "room": "r", "text": "x", "ts": time.time() + 60})
    s.delivered(future)  # a clock ahead of ours is no negative lag
    assert value(reg, "roomwatch_source_lag_seconds", source="dy-1") == 0


def test_unknown_types_are_errors_with_a_bounded_sample_of_names(
    stats: tuple[SourceStats, CollectorRegistry], caplog: pytest.LogCaptureFixture
) -> None:
    s, reg = stats
    caplog.set_level("INFO", logger="monitor.collectors.common")
    long_name = "M" * 100
    s.unknown(long_name)
    s.unknown(long_name)  # logged once
    assert s.unknown_methods == {"M" * 64}
    assert [r.getMessage() for r in caplog.records] == [
        f"source dy-1: unknown message type {long_name!r} (counted, skipped)"
    ]
    for n in range(200):
        s.unknown(f"Webcast{n}")
    assert len(s.unknown_methods) == 64  # a hostile stream cannot grow it
    assert s.errors[UNKNOWN_TYPE] == 202 == s.error_total
    assert value(reg, "roomwatch_decode_errors_total", source="dy-1", reason=UNKNOWN_TYPE) == 202
    s.error("checksum")  # a decoder's own reason starts from zero too
    assert s.errors["checksum"] == 1


def test_text_and_ids_are_clipped_to_their_limits() -> None:
    assert clip("abc", 3) == "abc"
    assert clip("abcd", 3) == "abc"
    assert clip_id("x" * 200) == "x" * 128
    assert clip_id(12345, 3) == "123"
    assert clip_id(None) == "" and clip_id("") == ""
    assert clip_id(0) == "0"


def handshake(status: int) -> aiohttp.WSServerHandshakeError:
    return aiohttp.WSServerHandshakeError(None, (), status=status)  # type: ignore[arg-type]


def test_error_floors() -> None:
    for status, floor in HANDSHAKE_FLOORS.items():
        assert error_floor(handshake(status)) == floor
    assert error_floor(handshake(502)) == 2.0
    limited = aiohttp.ClientResponseError(None, (), status=429)  # type: ignore[arg-type]
    assert error_floor(limited) == 30.0
    other = aiohttp.ClientResponseError(None, (), status=500)  # type: ignore[arg-type]
    assert error_floor(other) == 0.0
    assert error_floor(ConnectionResetError()) == 0.0
    assert error_floor(None) == 0.0


def test_backoff_doubles_within_jitter_up_to_the_cap_and_resets_after_a_healthy_session() -> None:
    policy = ReconnectPolicy(rng=random.Random(7))
    assert (policy.base, policy.cap, policy.healthy_after) == (1.0, 60.0, 30.0)
    delays = [policy.next_delay(Disconnect(error=OSError()), 0.0) for _ in range(9)]
    for attempt, delay in enumerate(delays):
        ceiling = min(60.0, 2.0**attempt)
        assert ceiling / 2 <= delay <= ceiling
    policy.next_delay(Disconnect(error=OSError()), 29.9)  # not healthy yet: keeps growing
    assert policy.attempt == 10
    assert policy.next_delay(Disconnect(error=OSError()), 30.0) <= 1.0  # healthy: starts over
    assert policy.attempt == 1


class Highest(random.Random):
    """Jitter that always picks the top of its range, so bounds can be checked exactly."""

    def uniform(self, a: float, b: float) -> float:
        return b


def test_a_server_going_away_is_retried_quickly_once() -> None:
    assert ReconnectPolicy(base=4.0, rng=Highest()).next_delay(Disconnect(code=1001), 0.0) == 2.0
    policy = ReconnectPolicy(base=4.0, rng=random.Random(3))
    first = policy.next_delay(Disconnect(code=1001), 0.0)
    assert 0 <= first <= 2.0  # base / 2
    second = policy.next_delay(Disconnect(code=1001), 0.0)
    assert 4.0 <= second <= 8.0


@pytest.mark.parametrize(("code", "floor"), [(1008, 30.0), (1013, 5.0), (1011, 2.0), (4003, 30.0)])
def test_close_codes_set_a_floor_capped_by_the_policy(code: int, floor: float) -> None:
    assert ReconnectPolicy(rng=random.Random(1)).next_delay(Disconnect(code=code), 0.0) >= floor
    capped = ReconnectPolicy(cap=3.0, rng=random.Random(1))
    assert capped.next_delay(Disconnect(code=code), 0.0) <= 3.0
    # code 0 is no close code: no floor
    assert ReconnectPolicy(rng=random.Random(1)).next_delay(Disconnect(code=0), 0.0) <= 1.0


def test_a_frame_is_accounted_for_by_anything_it_produced() -> None:
    assert not Decoded.empty().accounted()
    assert Decoded([], [b"ack"]).accounted()
    assert Decoded([], [], close=Disconnect(code=1000)).accounted()
    assert Decoded([], [], errors=1).accounted()
    assert Decoded([], [], controls=1).accounted()
