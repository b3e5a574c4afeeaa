"""The generic JSON WebSocket source with a field mapping, against a fake stream."""

from __future__ import annotations

import orjson

from monitor.collectors.generic_ws import FieldMapping, GenericJsonDecoder, GenericWsCollector
from monitor.events import CommentEvent, GiftEvent, MetricEvent
from tests.collectors.fake_base import wait_for
from tests.collectors.fake_generic import FakeJsonStream
from tests.collectors.helpers import FAST, Sink, new_stats, running

MAPPING = FieldMapping(
    kind_field="type",
    kinds={"chat": "comment", "present": "gift", "viewers": "metric"},
    ignore=frozenset({"pong"}),
    room_field="channel",
    room_map={"ch-1": "r1"},
    items_field="batch",
    fields={
        "text": "body",
        "user": "from.uid",
        "nickname": "from.name",
        "id": "mid",
        "gift": "item",
        "count": "qty",
        "value": "n",
    },
    defaults={"metric": {"name": "online_viewers"}},
)


def decoder() -> GenericJsonDecoder:
    return GenericJsonDecoder(
        MAPPING, source="gen", stats=new_stats("gen"), rooms=frozenset({"r1"})
    )


def frame(*items: dict[str, object]) -> str:
    return orjson.dumps({"batch": list(items)}).decode()


def test_mapping_batches_ignores_and_counts() -> None:
    d = decoder()
    out = d.decode(
        frame(
            {
                "type": "chat",
                "channel": "ch-1",
                "mid": 11,
                "body": "退款",
                "from": {"uid": 5, "name": "甲"},
            },
            {"type": "present", "channel": "ch-1", "item": "rocket", "qty": 2},
            {"type": "viewers", "channel": "ch-1", "n": 321},
            {"type": "pong"},
            {"type": "weird", "channel": "ch-1"},
            {"type": "chat", "channel": "elsewhere", "body": "x"},
            {"type": "chat", "channel": "ch-1"},
            "not an object",
        )
    )
    c, g, m = out.events
    assert isinstance(c, CommentEvent) and (c.room, c.text, c.user, c.nickname, c.id) == (
        "r1",
        "退款",
        "5",
        "甲",
        "11",
    )
    assert isinstance(g, GiftEvent) and (g.gift, g.count) == ("rocket", 2)
    assert isinstance(m, MetricEvent) and (m.name, m.value) == ("online_viewers", 321)
    assert out.controls == 1 and out.errors == 4
    assert d.stats.errors == {
        "malformed": 1,
        "truncated": 0,
        "decompress": 0,
        "unknown_type": 1,
        "bad_event": 2,
    }
    assert d.decode("{truncated").errors == 1


async def test_stream_subscribe_heartbeat_pings_and_reconnect() -> None:
    fake = FakeJsonStream()
    await fake.start()
    stats = new_stats("gen")
    col = GenericWsCollector(
        url=f"{fake.ws_base}/stream",
        subscribe='{"op":"subscribe","channel":"ch-1"}',
        heartbeat='{"op":"ping"}',
        name="gen",
        stats=stats,
        decoder=GenericJsonDecoder(MAPPING, source="gen", stats=stats, rooms=frozenset({"r1"})),
        timing=FAST,
    )
    sink = Sink()
    try:
        async with running(col, sink):
            await wait_for(lambda: fake.sockets)
            await wait_for(lambda: len(fake.received) >= 3)
            assert fake.received[0] == '{"op":"subscribe","channel":"ch-1"}'
            assert '{"op":"ping"}' in fake.received[1:]
            await fake.broadcast(
                frame({"type": "chat", "channel": "ch-1", "mid": "a", "body": "one"})
            )
            await wait_for(lambda: sink.texts() == ["one"])
            await fake.kill()
            await fake.restart()
            await wait_for(lambda: fake.connections == 2)
            await fake.broadcast(
                frame(
                    {"type": "chat", "channel": "ch-1", "mid": "a", "body": "one"},
                    {"type": "chat", "channel": "ch-1", "mid": "b", "body": "two"},
                )
            )
            await wait_for(lambda: sink.texts() == ["one", "two"])
    finally:
        await fake.kill()
