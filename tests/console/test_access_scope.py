"""Who sees which room, and which allowlist terms each person may see and change.

The checks themselves, without a running service: every role, a supervisor's own rooms and
team rooms, a team with no room yet, a member removed at run time, exact room sets.
"""

from __future__ import annotations

import orjson
import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from prometheus_client import CollectorRegistry, Counter

from alerts.clock import ManualClock
from alerts.store.allowlist import AllowTerm, new_term
from alerts.store.memory import MemoryStore
from config.loader import load_config_text
from monitor.access.audit import AuditLog
from monitor.access.directory import Directory, Person
from monitor.access.failures import AuthFailures
from monitor.access.sessions import SessionStore
from monitor.web.admin import _sees
from monitor.web.allowlist import _may_change, _may_see
from monitor.web.auth import ACCESS, USER, Access, require_room

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


def request_by(d: Directory, person_id: str) -> web.Request:
    store, clock = MemoryStore(), ManualClock()
    failures = Counter("auth_failures", "", ["kind", "reason"], registry=CollectorRegistry())
    app = web.Application()
    app[ACCESS] = Access(
        d, SessionStore(store, clock, 3600), AuditLog(store, clock), AuthFailures(failures)
    )
    request = make_mocked_request("GET", "/api/v1/alerts", app=app)
    request[USER] = who(d, person_id)
    return request


def test_a_request_for_another_room_is_refused_with_a_clear_error(
    directory: Directory,
) -> None:
    ctl, boss = request_by(directory, "ctl-a"), request_by(directory, "boss")
    require_room(ctl, "r1")
    for room in ("r2", "r3", "no-such-room"):
        with pytest.raises(web.HTTPForbidden) as refused:
            require_room(ctl, room)
        assert refused.value.content_type == "application/json"
        assert orjson.loads(refused.value.text or "") == {"error": "room: not one of your rooms"}
    for room in ROOMS:
        require_room(boss, room)
    # The silence endpoints' check reads the same scope.
    assert [r for r in ROOMS if _sees(ctl, r)] == ["r1"]
    assert [r for r in ROOMS if _sees(request_by(directory, "sup-a"), r)] == ["r1", "r3", "r4"]
    assert all(_sees(boss, r) for r in ROOMS)


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
