"""parse_event: every kind, every error path, and the round trip through event_to_dict."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from monitor.events import (
    CommentEvent,
    EventError,
    FollowEvent,
    GiftEvent,
    LikeEvent,
    MemberEvent,
    MetricEvent,
    SpeechEvent,
    StreamEvent,
    StreamStatus,
    event_to_dict,
    event_to_json,
    parse_event,
)

TS = 1_763_769_600.5
ROOMS = frozenset({"room-a", "douyin:7312"})


def ev(kind: str, **fields: Any) -> dict[str, Any]:
    return {"kind": kind, "room": "room-a", "ts": TS, "id": "e1", **fields}


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (
            ev("comment", text="多少钱", user="u1", nickname="小鱼"),
            CommentEvent(room="room-a", ts=TS, id="e1", text="多少钱", user="u1", nickname="小鱼"),
        ),
        (
            ev("comment", text="hi", user={"id": 42, "name": "阿猫"}),
            CommentEvent(room="room-a", ts=TS, id="e1", text="hi", user="42", nickname="阿猫"),
        ),
        (
            ev("metric", name="online_viewers", value=1520),
            MetricEvent(room="room-a", ts=TS, id="e1", name="online_viewers", value=1520.0),
        ),
        (
            ev("gift", gift="玫瑰", count=3, value=0.3, user="u2"),
            GiftEvent(room="room-a", ts=TS, id="e1", gift="玫瑰", count=3, value=0.3, user="u2"),
        ),
        (
            ev("like", count=15, total=20_000),
            LikeEvent(room="room-a", ts=TS, id="e1", count=15, total=20_000),
        ),
        (ev("like"), LikeEvent(room="room-a", ts=TS, id="e1", count=1, total=None)),
        (ev("follow", user="u3"), FollowEvent(room="room-a", ts=TS, id="e1", user="u3")),
        (ev("member", user=7), MemberEvent(room="room-a", ts=TS, id="e1", user="7")),
        (
            ev("stream", status="ended", reason="推流中断"),
            StreamEvent(
                room="room-a", ts=TS, id="e1", status=StreamStatus.ENDED, reason="推流中断"
            ),
        ),
        (
            ev("speech", text="全网最低价"),
            SpeechEvent(room="room-a", ts=TS, id="e1", text="全网最低价"),
        ),
    ],
)
def test_every_kind_parses_and_round_trips(obj: dict[str, Any], expected: object) -> None:
    event = parse_event(obj, rooms=ROOMS)
    assert event == expected
    again = parse_event(orjson.loads(event_to_json(event)), rooms=ROOMS)
    assert again == event


def test_defaults_ts_in_milliseconds_source_and_generated_id() -> None:
    event = parse_event({"kind": "like", "room": "room-a"}, source="ingest", now=TS)
    assert (event.ts, event.source) == (TS, "ingest")
    assert event.id.startswith("rw-")
    other = parse_event({"kind": "like", "room": "room-a"}, now=TS)
    assert other.id != event.id
    millis = parse_event({"kind": "like", "room": "room-a", "ts": 1_763_769_600_500})
    assert millis.ts == TS
    own = parse_event({"kind": "like", "room": "room-a", "source": "bridge"}, source="ingest")
    assert own.source == "bridge"


def test_event_to_dict_leaves_out_empty_fields() -> None:
    event = parse_event(ev("comment", text="hi"))
    assert event_to_dict(event) == {
        "kind": "comment",
        "room": "room-a",
        "ts": TS,
        "id": "e1",
        "text": "hi",
    }


LONG = "x" * 2001


@pytest.mark.parametrize(
    ("obj", "field", "reason"),
    [
        ([1, 2], "$", "an event must be a JSON object, got array"),
        (None, "$", "an event must be a JSON object, got null"),
        ({"room": "room-a"}, "kind", "is required"),
        (
            {"kind": "shout", "room": "room-a"},
            "kind",
            "must be one of comment, metric, gift, like, follow, member, stream, speech",
        ),
        ({"kind": ["comment"], "room": "room-a"}, "kind", "must be one of"),
        ({"kind": {"a": 1}, "room": "room-a"}, "kind", "must be one of"),
        (ev("comment", text="hi", colour="red"), "colour", "unknown field for a comment event"),
        (ev("metric", name="x", value=1, text="t"), "text", "unknown field for a metric event"),
        ({"kind": "like"}, "room", "is required"),
        ({"kind": "like", "room": 5}, "room", "must be a string, got integer"),
        ({"kind": "like", "room": "r" * 65}, "room", "is longer than 64 characters"),
        ({"kind": "like", "room": "room a"}, "room", "must be 1-64 characters of letters"),
        ({"kind": "like", "room": "room-z"}, "room", "unknown room 'room-z'"),
        ({"kind": "like", "room": "room-a", "ts": "now"}, "ts", "must be a number, got string"),
        ({"kind": "like", "room": "room-a", "ts": True}, "ts", "must be a number, got boolean"),
        ({"kind": "like", "room": "room-a", "ts": -5}, "ts", "must be a positive UNIX time"),
        ({"kind": "like", "room": "room-a", "ts": float("inf")}, "ts", "must be finite"),
        ({"kind": "like", "room": "room-a", "ts": 10**400}, "ts", "is out of range"),
        ({"kind": "like", "room": "room-a", "id": "i" * 129}, "id", "is longer than 128"),
        ({"kind": "like", "room": "room-a", "id": 10**30}, "id", "is out of range"),
        ({"kind": "like", "room": "room-a", "id": 1.5}, "id", "must be a string, got number"),
        ({"kind": "like", "room": "room-a", "source": []}, "source", "must be a string"),
        (ev("comment"), "text", "is required"),
        (ev("comment", text=LONG), "text", "is longer than 2000 characters"),
        (ev("comment", text=["a"]), "text", "must be a string, got array"),
        (ev("comment", text="hi", user={"id": "u", "age": 3}), "user.age", "unknown field"),
        (ev("comment", text="hi", user={"id": ["u"]}), "id", "must be a string, got array"),
        (ev("comment", text="hi", user=1.5), "user", "must be a string, got number"),
        (ev("comment", text="hi", nickname=3), "nickname", "must be a string, got integer"),
        (ev("speech"), "text", "is required"),
        (ev("metric", value=1), "name", "is required"),
        (ev("metric", name="online viewers", value=1), "name", "must match"),
        (ev("metric", name="n"), "value", "is required"),
        (ev("metric", name="n", value="12"), "value", "must be a number, got string"),
        (ev("metric", name="n", value=float("nan")), "value", "must be finite"),
        (ev("gift"), "gift", "is required"),
        (ev("gift", gift="g", count=1.5), "count", "must be an integer, got number"),
        (ev("gift", gift="g", count=-1), "count", "must be between 0 and 10^12"),
        (ev("gift", gift="g", count=10**13), "count", "must be between 0 and 10^12"),
        (ev("gift", gift="g", value="1"), "value", "must be a number"),
        (ev("like", count=True), "count", "must be an integer, got boolean"),
        (ev("like", total="9"), "total", "must be an integer, got string"),
        (ev("follow", user={"name": 1}), "name", "must be a string, got integer"),
        (ev("member", text="hi"), "text", "unknown field for a member event"),
        (ev("stream"), "status", "must be one of live, paused, ended, cut"),
        (ev("stream", status="down"), "status", "must be one of live, paused, ended, cut"),
        (ev("stream", status=0), "status", "must be one of live, paused, ended, cut"),
        (ev("stream", status="live", reason=[]), "reason", "must be a string, got array"),
    ],
)
def test_every_error_names_the_field_and_the_reason(obj: object, field: str, reason: str) -> None:
    with pytest.raises(EventError) as info:
        parse_event(obj, rooms=ROOMS)
    assert info.value.field == field
    assert info.value.reason.startswith(reason)
    assert info.value.to_dict() == {"field": field, "reason": info.value.reason}
    assert str(info.value) == f"{field}: {info.value.reason}"


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
KEYS = st.sampled_from(
    [
        "kind",
        "room",
        "ts",
        "id",
        "source",
        "text",
        "user",
        "nickname",
        "name",
        "value",
        "gift",
        "count",
        "total",
        "status",
        "reason",
    ]
)
KINDS = st.sampled_from(
    ["comment", "metric", "gift", "like", "follow", "member", "stream", "speech", "x"]
)


@settings(max_examples=400, deadline=None)
@given(
    kind=KINDS,
    room=st.sampled_from(["room-a", "nope", "", "douyin:7312"]) | JSON,
    fields=st.dictionaries(KEYS, JSON, max_size=6),
)
# Required text that is empty: accepted, so it must survive the round trip.
@example(kind="gift", room="room-a", fields={"gift": ""})
@example(kind="comment", room="room-a", fields={"text": ""})
@example(kind="speech", room="room-a", fields={"text": ""})
def test_any_json_input_parses_or_raises_event_error(
    kind: str, room: object, fields: dict[str, object]
) -> None:
    obj = {"kind": kind, "room": room, **fields}
    try:
        event = parse_event(obj, rooms=ROOMS)
    except EventError as exc:
        assert exc.field and exc.reason
    else:
        assert parse_event(orjson.loads(event_to_json(event)), rooms=ROOMS) == event
