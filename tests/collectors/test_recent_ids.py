"""The bounded dedup memory every collector uses: at its cap it forgets the oldest id first."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from monitor.collectors.common import RecentIds


def test_at_the_cap_the_oldest_id_is_forgotten_and_recent_ones_stay_known() -> None:
    ids = RecentIds(maxsize=3)
    assert [ids.seen(k) for k in ("a", "b", "c", "d")] == [False] * 4
    assert len(ids) == 3
    # a reconnect replays the latest history: the newest ids must still be recognised
    assert ids.seen("d") and ids.seen("c") and ids.seen("b")
    assert not ids.seen("a")  # the oldest was evicted, so it reads as new


def test_a_replayed_id_is_refreshed_and_outlives_older_ones() -> None:
    ids = RecentIds(maxsize=2)
    ids.seen("a")
    ids.seen("b")
    assert ids.seen("a")  # touching "a" makes "b" the oldest
    ids.seen("c")
    assert ids.seen("a")
    assert not ids.seen("b")


def test_empty_ids_are_never_deduplicated() -> None:
    ids = RecentIds(maxsize=2)
    assert not ids.seen("") and not ids.seen("")
    assert len(ids) == 0


@given(st.lists(st.text(min_size=1, max_size=3), max_size=60), st.integers(1, 8))
def test_matches_a_reference_lru(keys: list[str], cap: int) -> None:
    ids, model = RecentIds(maxsize=cap), list[str]()
    for key in keys:
        known = key in model
        assert ids.seen(key) is known
        if known:
            model.remove(key)
        model.append(key)
        del model[:-cap]
        assert len(ids) == len(model)
