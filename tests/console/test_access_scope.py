"""Who sees which room, and which allowlist terms each person may see and change.

The checks themselves, without a running service: every role, a supervisor's own rooms and
team rooms, a team with no room yet, a member removed at run time, exact room sets.
"""

from __future__ import annotations

import pytest

from alerts.store.allowlist import AllowTerm, new_term
from alerts.store.memory import MemoryStore
from config.loader import load_config_text
from monitor.access.directory import Directory, Person
from monitor.web.allowlist import _may_change, _may_see

ROOMS = ("r1", "r2", "r3", "r4")
CONFIG = """
rooms: [{id: r1}, {id: r2}, {id: r3}, {id: r4}]
people:
  users:
    - {id: ctl-a, role: controller, rooms: [r1]}
    - {id: ctl-b, role: controller, rooms: [r2]}
    - {id: sup-a, role: supervisor, rooms: [r4]}
    - {id: sup-c, role: supervisor}
    - {id: boss, role: admin}
  teams:
    - {id: team-a, supervisors: [sup-a], members: [ctl-a], rooms: [r3]}
    - {id: team-b, members: [ctl-b]}
    - {id: team-new, supervisors: [sup-a]}
"""


@pytest.fixture
def directory() -> Directory:
    return Directory(load_config_text(CONFIG, env={}).people, ROOMS, MemoryStore())


def who(d: Directory, person_id: str) -> Person:
    person = d.get(person_id)
    assert person is not None
    return person


def test_rooms_by_role(directory: Directory) -> None:
    d = directory
    assert d.rooms_of(who(d, "boss")) is None  # every room, present and future
    assert d.rooms_of(who(d, "ctl-a")) == {"r1"}
    # A supervisor: their own rooms, their team's rooms and their members' rooms; not the
    # rooms of a team they do not supervise (team-b's ctl-b: r2).
    assert d.rooms_of(who(d, "sup-a")) == {"r1", "r3", "r4"}
    assert d.rooms_of(who(d, "sup-c")) == frozenset()
    # A controller listed in a team gains nothing from it.
    ctl = Person(id="ctl-x", role="controller", rooms=("r2",))
    assert d.rooms_of(ctl) == {"r2"}


def test_may_see_and_visible_rooms(directory: Directory) -> None:
    d = directory
    assert [r for r in ROOMS if d.may_see(who(d, "ctl-a"), r)] == ["r1"]
    assert [r for r in ROOMS if d.may_see(who(d, "sup-a"), r)] == ["r1", "r3", "r4"]
    assert [r for r in ROOMS if d.may_see(who(d, "sup-c"), r)] == []
    assert all(d.may_see(who(d, "boss"), r) for r in (*ROOMS, "a-room-added-later"))
    # In the configured order of the rooms, not the order of the person's lists.
    assert d.visible_rooms(who(d, "boss")) == list(ROOMS)
    assert d.visible_rooms(who(d, "sup-a")) == ["r1", "r3", "r4"]
    assert d.visible_rooms(who(d, "ctl-b")) == ["r2"]
    assert d.visible_rooms(who(d, "sup-c")) == []


async def test_a_member_removed_at_run_time_takes_their_rooms_along(
    directory: Directory,
) -> None:
    d = directory
    assert await d.delete_person("ctl-a")
    assert d.rooms_of(who(d, "sup-a")) == {"r3", "r4"}  # team-a's own room stays
    assert not d.may_see(who(d, "sup-a"), "r1")


def term(scope: str, *, team: str = "", rooms: tuple[str, ...] = ()) -> AllowTerm:
    return new_term("银行卡", scope, team=team, rooms=rooms)


def test_allowlist_terms_each_person_sees(directory: Directory) -> None:
    d = directory
    terms = {
        "global": term("global"),
        "team-a": term("team", team="team-a"),  # r1 (ctl-a's) and r3
        "team-b": term("team", team="team-b"),  # r2 (ctl-b's)
        "team-new": term("team", team="team-new"),  # no room yet
        "r2": term("rooms", rooms=("r2",)),
        "r1+r2": term("rooms", rooms=("r1", "r2")),
    }

    def seen(person_id: str) -> list[str]:
        return [k for k, t in terms.items() if _may_see(d, who(d, person_id), t)]

    assert seen("boss") == list(terms)
    assert seen("ctl-a") == ["global", "team-a", "r1+r2"]
    assert seen("ctl-b") == ["global", "team-b", "r2", "r1+r2"]
    # A supervisor sees the terms of the teams they supervise, even one with no room yet.
    assert seen("sup-a") == ["global", "team-a", "team-new", "r1+r2"]
    assert seen("sup-c") == ["global"]


def test_allowlist_terms_each_person_may_change(directory: Directory) -> None:
    d = directory
    terms = {
        "global": term("global"),
        "team-a": term("team", team="team-a"),
        "team-b": term("team", team="team-b"),
        "team-new": term("team", team="team-new"),
        "r1": term("rooms", rooms=("r1",)),
        "r1+r3+r4": term("rooms", rooms=("r1", "r3", "r4")),  # exactly sup-a's rooms
        "r1+r2": term("rooms", rooms=("r1", "r2")),  # one of them not sup-a's
    }

    def changes(person_id: str) -> list[str]:
        return [k for k, t in terms.items() if _may_change(d, who(d, person_id), t)]

    assert changes("boss") == list(terms)
    # Controllers change nothing, not even a term of their own room.
    assert changes("ctl-a") == []
    # Supervisors: their teams' terms and terms whose every room they see; never global.
    assert changes("sup-a") == ["team-a", "team-new", "r1", "r1+r3+r4"]
    assert changes("sup-c") == []
