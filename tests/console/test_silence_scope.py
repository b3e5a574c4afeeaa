"""Silences are scoped to the rooms the actor may see, checked from the other team's side."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.console.conftest import CONFIG, PASSWORDS, Running, start

TWO_SUPERVISORS = CONFIG.replace(
    "    - { id: boss,",
    "    - { id: sup-b, role: supervisor, password: pw-sup-b }\n    - { id: boss,",
).replace(
    "- { id: team-b, members: [ctl-b] }", "- { id: team-b, supervisors: [sup-b], members: [ctl-b] }"
)


@pytest.fixture
async def teams(store_section: str) -> AsyncIterator[Running]:
    run, stop, task = await start(store_section + TWO_SUPERVISORS)
    try:
        yield run
    finally:
        stop.set()
        await task


async def _alert_rooms(run: Running) -> list[str]:
    """Return the rooms of the stored alerts once there is one (a Redis store's input
    stream may hand the events to the pipeline a moment after they were accepted)."""
    deadline = asyncio.get_running_loop().time() + 10
    while not (alerts := await run.service.store.list_alerts()):
        if asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(0.05)
    return [a.room for a in alerts]


async def _as(run: Running, user: str) -> aiohttp.ClientSession:
    http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    password = PASSWORDS.get(user, "pw-sup-b")
    async with http.post(
        f"{run.base}/api/v1/login", json={"user": user, "password": password}
    ) as r:
        assert r.status == 200, await r.text()
    return http


async def test_a_supervisor_silences_only_their_team_and_never_every_room(teams: Running) -> None:
    run = teams
    url = f"{run.base}/api/v1/silences"
    sup_a, sup_b, boss = await _as(run, "sup-a"), await _as(run, "sup-b"), await _as(run, "boss")
    async with sup_a, sup_b, boss:
        for body, status, field in [
            ({"room": "r2", "duration": 600}, 403, "room"),  # team B's room
            ({"room": "", "duration": 600}, 403, "room"),  # every room at once
            ({"duration": 600}, 403, "room"),  # the same, by leaving room out
            ({"room": "nowhere", "duration": 600}, 400, "room"),
        ]:
            async with sup_a.post(url, json=body) as r:
                got = await r.json()
                assert (r.status, got["field"]) == (status, field), (body, got)
        assert await run.service.manager.silences.all() == []  # nothing was created
        # Team B's room stays loud: a burst there opens an alert.
        await run.incident("r2", tag="b")
        assert await _alert_rooms(run) == ["r2"]
        async with sup_a.post(url, json={"room": "r3", "duration": 600, "comment": "维护"}) as r:
            assert r.status == 201, await r.text()
            mine = await r.json()
        async with sup_b.post(url, json={"room": "r2", "duration": 600}) as r:
            assert r.status == 201
            theirs = await r.json()
        async with boss.post(url, json={"room": "", "duration": 60}) as r:
            assert r.status == 201  # an admin may silence every room
            everywhere = await r.json()
        # Ending: another team's silence is not found, a global one needs an admin.
        async with sup_a.delete(f"{url}/{theirs['id']}") as r:
            assert r.status == 404
        async with sup_a.delete(f"{url}/{everywhere['id']}") as r:
            assert r.status == 403 and (await r.json())["field"] == "room"
        stored = {s.id: s for s in await run.service.manager.silences.all()}
        assert stored[theirs["id"]].expired_by == "" and stored[everywhere["id"]].expired_by == ""
        async with sup_b.delete(f"{url}/{theirs['id']}") as r:
            assert r.status == 200 and (await r.json())["expired_by"] == "sup-b"
        async with sup_a.delete(f"{url}/{mine['id']}") as r:
            assert r.status == 200
        async with boss.delete(f"{url}/{everywhere['id']}") as r:
            assert r.status == 200
        async with boss.get(f"{run.base}/api/v1/audit?action=silence_add") as r:
            added = {(e["actor"], e["room"]) for e in (await r.json())["audit"]}
        assert added == {("sup-a", "r3"), ("sup-b", "r2"), ("boss", "")}


async def test_silences_are_listed_per_visible_room(teams: Running) -> None:
    run = teams
    url = f"{run.base}/api/v1/silences"
    boss = await _as(run, "boss")
    async with boss:
        for room in ("r1", "r2", "r3", ""):
            async with boss.post(url, json={"room": room, "duration": 600}) as r:
                assert r.status == 201
    seen: dict[str, list[str]] = {}
    for user in ("ctl-a", "ctl-b", "sup-a", "sup-b", "boss"):
        async with await _as(run, user) as http, http.get(url) as r:
            assert r.status == 200
            seen[user] = sorted(s["room"] for s in (await r.json())["silences"])
    assert seen == {
        "ctl-a": ["", "r1"],
        "ctl-b": ["", "r2"],
        "sup-a": ["", "r1", "r3"],
        "sup-b": ["", "r2"],
        "boss": ["", "r1", "r2", "r3"],
    }
    async with await _as(run, "ctl-a") as http:
        async with http.get(f"{url}?room=r2") as r:
            assert r.status == 403  # asking for another team's room by name
        async with http.get(f"{url}?room=r1") as r:
            assert sorted(s["room"] for s in (await r.json())["silences"]) == ["", "r1"]
        async with http.post(url, json={"room": "r1", "duration": 60}) as r:
            assert r.status == 403  # controllers do not silence


async def test_silence_numbers_must_be_finite_and_in_range(teams: Running) -> None:
    url = f"{teams.base}/api/v1/silences"
    async with await _as(teams, "boss") as boss:
        for body, field in [
            ({"room": "r1", "duration": 1e308}, "duration"),
            ({"room": "r1", "duration": -5}, "duration"),
            ({"room": "r1", "starts_at": 1e300, "duration": 60}, "starts_at"),
            ({"room": "r1", "ends_at": -1e300}, "ends_at"),
            ({"room": "r1", "duration": True}, "duration"),
        ]:
            async with boss.post(url, json=body) as r:
                got = await r.json()
                assert r.status == 400 and got["field"] == field, (body, got)
        # 1e400 is not a JSON number orjson can hold: a clear 400, not a 500.
        raw = b'{"room": "r1", "duration": 1e400}'
        headers = {"Content-Type": "application/json"}
        async with boss.post(url, data=raw, headers=headers) as r:
            assert r.status == 400
