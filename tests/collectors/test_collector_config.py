"""Collector configuration: every source type loads; bad input names the field and reason."""

from __future__ import annotations

import random

import aiohttp
import pytest

from config.loader import ConfigError, load_config_text
from monitor.app import build_service
from monitor.collectors.bilibili import BilibiliCollector, BilibiliOpenCollector
from monitor.collectors.common import Disconnect, ReconnectPolicy
from monitor.collectors.douyin import CommandSigner, DouyinCollector, HttpSigner, PresignedUrl
from monitor.collectors.generic_ws import GenericWsCollector
from monitor.collectors.replay import ReplayCollector

ROOMS = """
rooms:
  - { id: a, platform: douyin }
  - { id: b, platform: bilibili }
"""

SOURCES = """
sources:
  - { type: douyin, id: d1, room: a, room_id: "123", signer: { kind: presigned, url: "ws://x/" } }
  - { type: douyin, id: d2, room: a, room_id: "123", signer: { kind: command, argv: [sign] } }
  - { type: douyin, id: d3, room: a, room_id: "123", signer: { kind: http, endpoint: "http://s" } }
  - { type: douyin_open, id: o1, secret: s3cret, room_map: { "268": a } }
  - { type: bilibili, id: b1, room: b, room_id: 42 }
  - { type: bilibili_open, id: b2, room: b, app_id: 1, access_key_id: k,
      access_key_secret: s, auth_code: c }
  - { type: generic_ws, id: g1, url: "ws://x/", allowed_rooms: [a, b] }
  - { type: replay, id: r1, platform: bilibili, path: rec.jsonl, room: b, speed: 0 }
"""


def test_every_source_type_builds_its_collector() -> None:
    service = build_service(load_config_text(ROOMS + SOURCES))
    by_name = {c.name: c for c in service.collectors}
    assert isinstance(by_name["d1"], DouyinCollector)
    assert isinstance(by_name["d1"].signer, PresignedUrl)
    assert isinstance(by_name["d2"], DouyinCollector) and isinstance(
        by_name["d2"].signer, CommandSigner
    )
    assert isinstance(by_name["d3"], DouyinCollector) and isinstance(
        by_name["d3"].signer, HttpSigner
    )
    assert isinstance(by_name["b1"], BilibiliCollector)
    assert by_name["b1"].timing.heartbeat_interval == 30.0  # Bilibili's own default
    assert isinstance(by_name["b2"], BilibiliOpenCollector)
    assert isinstance(by_name["g1"], GenericWsCollector)
    assert isinstance(by_name["r1"], ReplayCollector)
    assert "o1" not in by_name and len(service.route_plugins) >= 1  # a callback route, not a loop


@pytest.mark.parametrize(
    ("source", "where"),
    [
        (
            '{ type: douyin, id: x, room: a, room_id: "1a", signer: { kind: presigned, url: u } }',
            "room_id",
        ),
        ('{ type: douyin, id: x, room: a, room_id: "1", signer: { kind: magic } }', "signer"),
        ("{ type: douyin_open, id: x, secret: s }", "needs room or room_map"),
        ("{ type: bilibili, id: x, room: b, room_id: 0 }", "room_id"),
        (
            "{ type: bilibili, id: x, room: b, room_id: 1, heartbeat_interval: -1 }",
            "heartbeat_interval",
        ),
        ("{ type: bilibili_open, id: x, room: b, app_id: 1 }", "access_key_id"),
        ("{ type: generic_ws, id: x, url: u, mapping: { kinds: { t: nope } } }", "kinds"),
        ("{ type: bilibili, id: x, room: zzz, room_id: 5 }", "sources[0].room: unknown room 'zzz'"),
        (
            '{ type: douyin_open, id: x, secret: s, room_map: { "7301": zzz } }',
            "sources[0].room_map.7301: unknown room 'zzz'",
        ),
        (
            "{ type: generic_ws, id: x, url: u, allowed_rooms: [a, zzz] }",
            "sources[0].allowed_rooms[1]: unknown room 'zzz'",
        ),
        (
            "{ type: replay, id: x, platform: douyin, path: p, room: zzz }",
            "sources[0].room: unknown room 'zzz'",
        ),
        ("{ type: bilibili, id: x, room: b, room_id: 5, bogus: 1 }", "bogus"),
    ],
)
def test_bad_source_config_names_the_field(source: str, where: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_config_text(ROOMS + f"sources:\n  - {source}\n")
    assert where in str(err.value)


def test_reconnect_policy_backs_off_with_jitter_and_close_code_floors() -> None:
    policy = ReconnectPolicy(base=1.0, cap=60.0, healthy_after=30.0, rng=random.Random(7))
    delays = [policy.next_delay(Disconnect(reason="error"), 0.1) for _ in range(8)]
    for i, d in enumerate(delays):
        ceiling = min(60.0, 2.0**i)
        assert ceiling / 2 <= d <= ceiling
    assert policy.next_delay(Disconnect(code=1006), 120.0) <= 1.0  # a healthy run resets
    fresh = ReconnectPolicy(base=1.0, cap=60.0, rng=random.Random(1))
    assert fresh.next_delay(Disconnect(code=1012), 100.0) <= 0.5  # restart: come back quickly
    assert fresh.next_delay(Disconnect(code=1013), 0.0) >= 5.0  # try again later
    assert fresh.next_delay(Disconnect(code=1008), 0.0) >= 30.0  # policy violation
    blocked = aiohttp.WSServerHandshakeError(None, (), status=200, message="DEVICE_BLOCKED")  # type: ignore[arg-type]
    assert fresh.next_delay(Disconnect(error=blocked), 0.0) >= 10.0
    limited = aiohttp.WSServerHandshakeError(None, (), status=429, message="slow down")  # type: ignore[arg-type]
    assert fresh.next_delay(Disconnect(error=limited), 0.0) >= 30.0
    capped = ReconnectPolicy(base=0.05, cap=0.2)
    assert capped.next_delay(Disconnect(code=1008), 0.0) <= 0.2  # the cap always wins
