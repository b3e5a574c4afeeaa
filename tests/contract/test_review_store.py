"""Broadcast checkpoints and reviews keep the same in the memory and the Redis store."""

from __future__ import annotations

from alerts.store.base import AlertStore
from monitor.events import CommentEvent, MetricEvent
from monitor.supervision.broadcasts import Broadcast
from monitor.supervision.records import Reviews
from monitor.supervision.review import build_review
from tests.contract.test_store_contract import StoreFactory, make_store, store  # noqa: F401

T0 = 1_764_547_200.0


def broadcast(room: str, start: float, end: float | None) -> Broadcast:
    b = Broadcast(id=f"{room}-{int(start)}", room=room, started_at=start, bucket=60.0)
    b.observe(MetricEvent(room=room, ts=start + 1, id="m1", name="online_viewers", value=120), [])
    b.observe(CommentEvent(room=room, ts=start + 2, id="c1", text="你好", user="v1"), [])
    b.ended_at = end
    return b


def review(room: str, start: float, end: float) -> dict[str, object]:
    return build_review(
        broadcast(room, start, end), [], [], room_name=room, answer_within=180, built_at=end
    )


async def test_live_checkpoints_round_trip(store: AlertStore) -> None:  # noqa: F811
    kept = Reviews(store)
    b = broadcast("room-a", T0, None)
    await kept.save_live(b)
    back = (await kept.live())["room-a"]
    assert back.to_dict() == b.to_dict()
    await kept.drop_live("room-a")
    assert await kept.live() == {}


async def test_reviews_are_kept_listed_per_room_and_picked_by_end_time(
    store: AlertStore,  # noqa: F811
) -> None:
    kept = Reviews(store)
    first, second = review("room-a", T0, T0 + 600), review("room-a", T0 + 3600, T0 + 4000)
    other = review("room-b", T0 + 100, T0 + 700)
    for r in (first, second, other):
        await kept.save(r)
    assert await kept.get(str(first["id"])) == first
    assert await kept.get("missing") is None
    assert [e["id"] for e in await kept.of_room("room-a")] == [second["id"], first["id"]]
    assert [e["id"] for e in await kept.of_room("room-c")] == []
    picked = await kept.between(["room-a", "room-b"], T0, T0 + 1000)
    assert [r["id"] for r in picked] == [first["id"], other["id"]]
    # A rebuilt review replaces the older one.
    await kept.save({**first, "built_at": T0 + 9999})
    assert (await kept.get(str(first["id"])))["built_at"] == T0 + 9999  # type: ignore[index]
    assert len(await kept.of_room("room-a")) == 2
