"""Who sees which room, and which allowlist terms each person may see and change.

The checks themselves, without a running service: every role, a supervisor's own rooms and
team rooms, a team with no room yet, a member removed at run time, exact room sets.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import orjson
import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from prometheus_client import CollectorRegistry, Counter

from alerts.clock import ManualClock
from alerts.model import Alert, AlertState, Severity, fingerprint
from alerts.store.allowlist import AllowTerm, new_term
from alerts.store.base import AlertStore
from alerts.store.memory import MemoryStore
from config.loader import load_config_text
from monitor.access.audit import AuditLog
from monitor.access.directory import Directory, Person
from monitor.access.failures import AuthFailures
from monitor.access.sessions import SessionStore
from monitor.web.admin import _may_silence, _sees, _visible
from monitor.web.allowlist import _may_change, _may_see
from monitor.web.api import _visible_alert, list_alerts
from monitor.web.auth import ACCESS, USER, Access, require_room
from monitor.web.keys import SERVICE

ROOMS = ("r1", "r2", "r3", "r4")
CONFIG = """
rooms: [{id: r1}, {id: r2}, {id: r3}, {id: r4}]
people:
  users:
    - {id: ctl-a, role: controller, rooms: [r1]}
    - {id: ctl-b, role: controller, rooms: [r2]}
    - {id: sup-a, role: supervisor, rooms: [r4]}
    - {id: sup-b, role: supervisor}
    - {id: sup-c, role: supervisor}
    - {id: boss, role: admin}
  teams:
    - {id: team-a, supervisors: [sup-a], members: [ctl-a], rooms: [r3]}
    - {id: team-b, supervisors: [sup-b], members: [ctl-b]}
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


def request_by(
    d: Directory,
    person_id: str,
    path: str = "/api/v1/alerts",
    *,
    alerts: AlertStore | None = None,
    match_info: dict[str, str] | None = None,
) -> web.Request:
    store, clock = MemoryStore(), ManualClock()
    failures = Counter("auth_failures", "", ["kind", "reason"], registry=CollectorRegistry())
    app = web.Application()
    app[ACCESS] = Access(
        d, SessionStore(store, clock, 3600), AuditLog(store, clock), AuthFailures(failures)
    )
    # The handlers read only the service's config and store.
    app[SERVICE] = SimpleNamespace(  # type: ignore[assignment]
        config=load_config_text(CONFIG, env={}), store=alerts or MemoryStore()
    )
    request = make_mocked_request("GET", path, app=app, match_info=match_info or {})
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


def alert(n: int, room: str, severity: Severity, state: AlertState = AlertState.FIRING) -> Alert:
    started = 1_700_000_000.0 + n
    return Alert(
        id=f"a{n:04d}",
        fingerprint=fingerprint(room, "p1"),
        room=room,
        plan_id="p1",
        plan_name="敏感词",
        severity=severity,
        group_key="",
        state=state,
        started_at=started,
        updated_at=started,
    )


@pytest.fixture
async def alerts() -> AlertStore:
    """One alert in each room: r1 (ctl-a, team-a), r2 (ctl-b, team-b), r3 (team-a), r4."""
    store = MemoryStore()
    await store.put_alert(alert(1, "r1", Severity.CRITICAL))
    await store.put_alert(alert(2, "r2", Severity.CRITICAL))
    await store.put_alert(alert(3, "r3", Severity.WARNING, AlertState.ACKNOWLEDGED))
    await store.put_alert(alert(4, "r4", Severity.WARNING))
    return store


async def listed(d: Directory, person_id: str, query: str, alerts: AlertStore) -> Any:
    """Return (status, body) of GET /api/v1/alerts with the query, as the person."""
    try:
        response = await list_alerts(
            request_by(d, person_id, f"/api/v1/alerts{query}", alerts=alerts)
        )
    except web.HTTPException as refused:
        return refused.status, orjson.loads(refused.text or "")
    assert isinstance(response.body, bytes)
    body = orjson.loads(response.body)
    if response.status == 200:
        return 200, [a["id"] for a in body["alerts"]]
    return response.status, body


async def test_the_alert_list_shows_each_team_only_its_rooms(
    directory: Directory, alerts: AlertStore
) -> None:
    d = directory
    # Newest first; each side sees its own and never the other team's.
    assert await listed(d, "ctl-a", "", alerts) == (200, ["a0001"])
    assert await listed(d, "ctl-b", "", alerts) == (200, ["a0002"])
    assert await listed(d, "sup-a", "", alerts) == (200, ["a0004", "a0003", "a0001"])
    assert await listed(d, "sup-b", "", alerts) == (200, ["a0002"])
    assert await listed(d, "boss", "", alerts) == (200, ["a0004", "a0003", "a0002", "a0001"])
    assert await listed(d, "sup-c", "", alerts) == (200, [])  # no room: nothing, not all
    # Asking for the other team's rooms is refused, naming every room refused.
    refused = "room: not one of your rooms"
    assert await listed(d, "ctl-a", "?room=r2", alerts) == (403, {"error": f"{refused}: r2"})
    assert await listed(d, "ctl-b", "?room=r1", alerts) == (403, {"error": f"{refused}: r1"})
    assert await listed(d, "sup-a", "?room=r1,r2,r5", alerts) == (
        403,
        {"error": f"{refused}: r2, r5"},
    )
    assert await listed(d, "sup-b", "?room=r3", alerts) == (403, {"error": f"{refused}: r3"})
    assert await listed(d, "sup-a", "?room=r3,r1", alerts) == (200, ["a0003", "a0001"])
    assert await listed(d, "sup-a", "?room=r3,,", alerts) == (200, ["a0003"])
    assert await listed(d, "boss", "?room=r2", alerts) == (200, ["a0002"])
    assert await listed(d, "boss", "?room=r2,r1", alerts) == (200, ["a0002", "a0001"])


async def test_the_alert_list_filters_by_state_severity_and_limit(
    directory: Directory, alerts: AlertStore
) -> None:
    d = directory
    assert await listed(d, "sup-a", "?state=firing", alerts) == (200, ["a0004", "a0001"])
    assert await listed(d, "sup-a", "?state=acknowledged,firing", alerts) == (
        200,
        ["a0004", "a0003", "a0001"],
    )
    assert await listed(d, "sup-a", "?severity=warning", alerts) == (200, ["a0004", "a0003"])
    assert await listed(d, "boss", "?severity=critical,info", alerts) == (
        200,
        ["a0002", "a0001"],
    )
    assert await listed(d, "boss", "?state=firing&severity=warning", alerts) == (200, ["a0004"])
    unknown = (400, {"error": "state/severity: unknown value"})
    assert await listed(d, "boss", "?state=burning", alerts) == unknown
    assert await listed(d, "boss", "?severity=loud", alerts) == unknown
    assert await listed(d, "boss", "?limit=2", alerts) == (200, ["a0004", "a0003"])
    assert await listed(d, "boss", "?limit=1", alerts) == (200, ["a0004"])
    assert (await listed(d, "boss", "?limit=5000", alerts))[0] == 200
    for bad in ("0", "5001"):
        status, body = await listed(d, "boss", f"?limit={bad}", alerts)
        assert status == 400 and body["error"] == "limit: must be between 1 and 5000"


async def test_the_alert_list_holds_500_by_default(directory: Directory) -> None:
    store = MemoryStore()
    for n in range(502):
        await store.put_alert(alert(n, "r1", Severity.INFO))
    status, ids = await listed(directory, "ctl-a", "", store)
    assert status == 200 and len(ids) == 500 and ids[0] == "a0501"


async def test_one_alert_is_read_only_by_those_who_see_its_room(
    directory: Directory, alerts: AlertStore
) -> None:
    d = directory

    async def read(person_id: str, alert_id: str) -> tuple[int, Any]:
        request = request_by(d, person_id, alerts=alerts, match_info={"alert_id": alert_id})
        try:
            return 200, (await _visible_alert(request)).id
        except web.HTTPException as refused:
            assert refused.content_type == "application/json"
            return refused.status, orjson.loads(refused.text or "")

    mine = {"ctl-a": "a0001", "ctl-b": "a0002", "sup-b": "a0002"}
    theirs = {"ctl-a": "a0002", "ctl-b": "a0001", "sup-b": "a0003"}
    for person_id in mine:
        assert await read(person_id, mine[person_id]) == (200, mine[person_id])
        assert await read(person_id, theirs[person_id]) == (
            403,
            {"error": "room: not one of your rooms"},
        )
    assert [await read("sup-a", a) for a in ("a0001", "a0003", "a0004")] == [
        (200, "a0001"),
        (200, "a0003"),
        (200, "a0004"),
    ]
    assert await read("boss", "a0002") == (200, "a0002")
    for person_id in ("ctl-a", "boss"):
        assert await read(person_id, "a9999") == (404, {"error": "alert: not found"})


def test_silences_each_team_may_set(directory: Directory) -> None:
    d = directory

    def refusal(person_id: str, room: str) -> Any:
        response = _may_silence(request_by(d, person_id), room)
        if response is None:
            return None
        assert isinstance(response.body, bytes)
        return response.status, orjson.loads(response.body)

    not_yours = (403, {"error": "room: not one of your rooms", "field": "room"})
    every = (
        403,
        {"error": "room: only an admin may silence every room; name a room", "field": "room"},
    )
    assert refusal("sup-a", "r3") is None and refusal("sup-a", "r1") is None
    assert refusal("sup-a", "r2") == not_yours
    assert refusal("sup-b", "r2") is None
    assert refusal("sup-b", "r1") == not_yours and refusal("sup-b", "r3") == not_yours
    assert refusal("ctl-a", "r1") is None and refusal("ctl-a", "r2") == not_yours
    assert refusal("ctl-b", "r2") is None and refusal("ctl-b", "r1") == not_yours
    for person_id in ("sup-a", "sup-b", "ctl-a"):
        assert refusal(person_id, "") == every
    assert refusal("boss", "") is None
    assert all(refusal("boss", r) is None for r in ROOMS)
    # A room the config does not have is named, for admins too.
    unknown = (400, {"error": "room: unknown room 'r9'", "field": "room"})
    assert refusal("boss", "r9") == unknown and refusal("sup-a", "r9") == unknown
    # The silence list reads the same scope.
    assert _visible(request_by(d, "sup-b")) == {"r2"}
    assert _visible(request_by(d, "sup-a")) == {"r1", "r3", "r4"}
    assert _visible(request_by(d, "boss")) is None
