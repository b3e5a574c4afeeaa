"""Allowlist terms in the store: the memory and Redis stores keep them alike."""

from __future__ import annotations

import pytest

from alerts.store.allowlist import ALLOW_KIND, Allowlist, AllowlistError, check_term, new_term
from alerts.store.base import AlertStore
from tests.contract.test_store_contract import make_store, store

__all__ = ["make_store", "store"]  # fixtures, parametrised over memory and Redis


async def test_terms_are_added_listed_and_removed_with_who_and_when(store: AlertStore) -> None:
    allowlist = Allowlist(store)
    team = new_term("微信支付", "team", team="team-a", category="contact", by="sup-a", ts=10)
    rooms = new_term("id:wxid8888abc", "rooms", rooms=("r2", "r1", "r1"), by="sup-a", ts=11)
    everywhere = new_term("微信支付", "global", by="boss", ts=12)
    for term in (team, rooms, everywhere):
        assert await allowlist.add(term) is True
    assert await allowlist.add(team) is False  # the same term in the same scope: once
    listed = await allowlist.terms()
    assert [t.id for t in listed] == [team.id, rooms.id, everywhere.id]  # oldest first
    assert listed[0].team == "team-a" and listed[0].by == "sup-a" and listed[0].ts == 10
    assert listed[1].rooms == ("r1", "r2") and listed[1].scope == "rooms"
    assert team.id != everywhere.id  # one term, two scopes, two entries
    assert await allowlist.get(rooms.id) == rooms
    assert await allowlist.remove(rooms.id) is True
    assert await allowlist.remove(rooms.id) is False
    assert [t.id for t in await allowlist.terms()] == [team.id, everywhere.id]


async def test_entries_stored_before_scopes_read_as_global(store: AlertStore) -> None:
    legacy = {"term": "加我微信", "category": "c", "by": "x", "ts": 5}
    await store.put_item(ALLOW_KIND, "加我微信", legacy)
    [term] = await Allowlist(store).terms()
    assert (term.id, term.term, term.scope, term.by) == ("加我微信", "加我微信", "global", "x")
    assert await Allowlist(store).remove("加我微信") is True


@pytest.mark.parametrize(
    "raw",
    [
        "微信\u2028加我vx",  # line separator: a second line smuggled into the list
        "微信\u2029支付",  # paragraph separator
        "微信\n支付",
        "微信\r支付",
        "微信\t支付",
        "微信\x00支付",
        "\u202e付支信微",  # right-to-left override
        "微\u200b信",  # zero-width space
        "x" * 65,
        "",
        "   ",
        "id:abc def",
        "phone:1381234\u2028",
    ],
)
def test_hostile_terms_are_refused_with_the_reason(raw: str) -> None:
    with pytest.raises(AllowlistError) as err:
        check_term(raw)
    assert err.value.field == "term" and err.value.reason


@pytest.mark.parametrize(
    "raw", ["微信支付", " 加薇信 ", "phone:13812345678", "id:wxid8888abc", "USB-C 充电线"]
)
def test_ordinary_terms_pass(raw: str) -> None:
    assert check_term(raw) == raw.strip()


def test_scopes_are_checked() -> None:
    with pytest.raises(AllowlistError, match="scope"):
        new_term("微信支付", "everyone")
    with pytest.raises(AllowlistError, match="team"):
        new_term("微信支付", "team")
    with pytest.raises(AllowlistError, match="rooms"):
        new_term("微信支付", "rooms")
    with pytest.raises(AllowlistError, match="category"):
        new_term("微信支付", "global", category="a\u2028b")
