"""The allowlist API over real HTTP, word for word: the default scope, every refusal, what
each role is shown, removal, the export file, and the pipeline's list rebuilt each change.

test_allowlist.py checks that offered terms silence their flags within their scope.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest

from tests.console.conftest import Running, start
from tests.console.test_allowlist import CONFIG, PASSWORDS, flagged

# sup-ab supervises both teams, sup-solo none (and sees r2 as their own room).
TEAMS = CONFIG.replace(
    "    - { id: boss,",
    "    - { id: sup-ab, role: supervisor, password: pw-sup-ab }\n"
    "    - { id: sup-solo, role: supervisor, password: pw-sup-solo, rooms: [r2] }\n"
    "    - { id: boss,",
).replace("supervisors: [sup-a]", "supervisors: [sup-a, sup-ab]")
TEAMS = TEAMS.replace("supervisors: [sup-b]", "supervisors: [sup-b, sup-ab]")
PEOPLE = {**PASSWORDS, "sup-ab": "pw-sup-ab", "sup-solo": "pw-sup-solo"}


@pytest.fixture
async def run(tmp_path: Path) -> AsyncIterator[Running]:
    running, stop, task = await start(TEAMS.replace("LEXICONS", str(tmp_path)))
    try:
        yield running
    finally:
        stop.set()
        await task


async def _login(run: Running, user: str) -> aiohttp.ClientSession:
    http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    body = {"user": user, "password": PEOPLE[user]}
    async with http.post(f"{run.base}/api/v1/login", json=body) as r:
        assert r.status == 200, await r.text()
    return http


async def _answer(r: aiohttp.ClientResponse) -> tuple[int, Any]:
    return r.status, await r.json()


def _refusal(status: int, field: str, reason: str) -> tuple[int, dict[str, str]]:
    return status, {"error": f"{field}: {reason}", "field": field}


async def test_the_scope_is_named_unless_it_goes_without_saying(run: Running) -> None:
    url = f"{run.base}/api/v1/allowlist"
    users = ("sup-a", "sup-ab", "sup-solo", "boss")
    sup_a, sup_ab, solo, boss = [await _login(run, u) for u in users]
    async with sup_a, sup_ab, solo, boss:
        for http in (sup_ab, solo):  # two teams, or none: which one is not obvious
            async with http.post(url, json={"term": "微信支付"}) as r:
                assert await _answer(r) == _refusal(400, "scope", "required: team or rooms")
        async with sup_a.post(url, json={"term": "微信支付", "category": "contact"}) as r:
            status, mine = await _answer(r)
        assert status == 201
        assert mine == {
            "id": mine["id"],
            "term": "微信支付",
            "scope": "team",
            "team": "team-a",
            "rooms": [],
            "category": "contact",
            "by": "sup-a",
            "ts": run.clock.now(),
            "applies_to": ["r1", "r3"],  # the team's room and its member's
            "can_remove": True,
        }
        async with sup_a.post(url, json={"term": "微信支付", "team": "team-b"}) as r:
            assert await _answer(r) == _refusal(403, "team", "not a team you supervise")
        async with boss.post(url, json={"term": "微信支付"}) as r:  # an admin: global
            status, everywhere = await _answer(r)
        assert status == 201 and everywhere["scope"] == "global"
        assert (everywhere["applies_to"], everywhere["team"], everywhere["category"]) == (
            None,
            "",
            "",
        )
        async with sup_ab.post(
            url, json={"term": "微信支付", "scope": "team", "team": "team-b"}
        ) as r:
            status, theirs = await _answer(r)
        assert status == 201 and theirs["applies_to"] == ["r2"]
        async with sup_a.post(
            url, json={"term": "微信支付", "scope": "team", "team": "team-a"}
        ) as r:
            assert await _answer(r) == (
                409,
                {"error": "term: already on the allowlist in this scope", "id": mine["id"]},
            )


async def test_refusals_name_the_field_the_room_and_the_team(run: Running) -> None:
    url = f"{run.base}/api/v1/allowlist"
    sup_a, solo, boss = [await _login(run, u) for u in ("sup-a", "sup-solo", "boss")]
    async with sup_a, solo, boss:
        pay = "微信支付"
        for http, body, answer in [
            (sup_a, {"scope": "global"}, _refusal(403, "scope", "only admins add global terms")),
            (sup_a, {"scope": "team"}, _refusal(400, "team", "required for a team scope")),
            (
                sup_a,
                {"scope": "team", "team": "nope"},
                _refusal(400, "team", "unknown team 'nope'"),
            ),
            (boss, {"scope": "team", "team": "nope"}, _refusal(400, "team", "unknown team 'nope'")),
            (
                sup_a,
                {"scope": "rooms", "rooms": ["r1", "r8", "r9"]},
                _refusal(400, "rooms", "unknown room 'r8'"),
            ),
            (
                sup_a,
                {"scope": "rooms", "rooms": ["r1", "r2", "r9"]},
                _refusal(400, "rooms", "unknown room 'r9'"),
            ),
            (
                sup_a,
                {"scope": "rooms", "rooms": ["r1", "r2", "r3"]},
                _refusal(403, "rooms", "not one of your rooms: r2"),
            ),
            (
                solo,
                {"scope": "rooms", "rooms": ["r1"]},
                _refusal(403, "rooms", "not one of your rooms: r1"),
            ),
            (
                solo,
                {"scope": "team", "team": "team-a"},
                _refusal(403, "team", "not a team you supervise"),
            ),
            (
                sup_a,
                {"scope": "rooms", "rooms": "r1"},
                _refusal(400, "rooms", "required for a rooms scope: a non-empty list"),
            ),
        ]:
            async with http.post(url, json={"term": pay, **body}) as r:
                assert await _answer(r) == answer, body
        async with sup_a.get(url) as r:
            assert (await r.json())["terms"] == []
        # The rooms a term names are sorted and counted once; every room an admin may name.
        async with sup_a.post(
            url, json={"term": pay, "scope": "rooms", "rooms": ["r3", "r1", "r3"]}
        ) as r:
            status, term = await _answer(r)
        assert status == 201 and term["rooms"] == term["applies_to"] == ["r1", "r3"]
        async with solo.post(url, json={"term": pay, "scope": "rooms", "rooms": ["r2"]}) as r:
            assert r.status == 201
        async with boss.post(url, json={"term": pay, "scope": "rooms", "rooms": ["r2", "r1"]}) as r:
            assert r.status == 201 and (await r.json())["can_remove"] is True
        async with boss.get(f"{run.base}/api/v1/audit?action=allowlist_add") as r:
            added = [(e["actor"], e["target"], e["detail"]) for e in (await r.json())["audit"]]
        assert sorted(added) == [
            ("boss", pay, "rooms=r1,r2"),
            ("sup-a", pay, "rooms=r1,r3"),
            ("sup-solo", pay, "rooms=r2"),
        ]


async def test_each_role_is_shown_its_terms_and_what_it_may_do(run: Running) -> None:
    url = f"{run.base}/api/v1/allowlist"
    users = ("ctl-a", "ctl-b", "sup-a", "sup-b", "sup-ab", "boss")
    ctl_a, ctl_b, sup_a, sup_b, sup_ab, boss = [await _login(run, u) for u in users]
    async with ctl_a, ctl_b, sup_a, sup_b, sup_ab, boss:
        for http, body in [
            (boss, {"term": "官方旗舰店"}),
            (sup_a, {"term": "团队A词"}),
            (sup_b, {"term": "团队B词"}),
            (boss, {"term": "两个房间", "scope": "rooms", "rooms": ["r1", "r2"]}),
        ]:
            run.clock.advance(1)  # listed newest first
            async with http.post(url, json=body) as r:
                assert r.status == 201, await r.text()
        shown: dict[str, Any] = {}
        for user, http in zip(users, (ctl_a, ctl_b, sup_a, sup_b, sup_ab, boss), strict=True):
            async with http.get(url) as r:
                listing = await r.json()
            terms = listing.pop("terms")
            shown[user] = ([(t["term"], t["can_remove"]) for t in terms], listing)
    assert shown == {
        "ctl-a": (
            [("两个房间", False), ("团队A词", False), ("官方旗舰店", False)],
            {"teams": [], "rooms": ["r1"], "can_add": False, "can_global": False},
        ),
        "ctl-b": (
            [("两个房间", False), ("团队B词", False), ("官方旗舰店", False)],
            {"teams": [], "rooms": ["r2"], "can_add": False, "can_global": False},
        ),
        "sup-a": (  # sees the r1+r2 term (r1 is theirs) but may not remove it (r2 is not)
            [("两个房间", False), ("团队A词", True), ("官方旗舰店", False)],
            {"teams": ["team-a"], "rooms": ["r1", "r3"], "can_add": True, "can_global": False},
        ),
        "sup-b": (
            [("两个房间", False), ("团队B词", True), ("官方旗舰店", False)],
            {"teams": ["team-b"], "rooms": ["r2"], "can_add": True, "can_global": False},
        ),
        "sup-ab": (
            [("两个房间", True), ("团队B词", True), ("团队A词", True), ("官方旗舰店", False)],
            {
                "teams": ["team-a", "team-b"],
                "rooms": ["r1", "r2", "r3"],
                "can_add": True,
                "can_global": False,
            },
        ),
        "boss": (
            [("两个房间", True), ("团队B词", True), ("团队A词", True), ("官方旗舰店", True)],
            {
                "teams": ["team-a", "team-b"],
                "rooms": ["r1", "r2", "r3"],
                "can_add": True,
                "can_global": True,
            },
        ),
    }


async def test_removal_answers_and_the_pipeline_follows_each_change(run: Running) -> None:
    url = f"{run.base}/api/v1/allowlist"
    sup_a, sup_b, boss = [await _login(run, u) for u in ("sup-a", "sup-b", "boss")]
    async with sup_a, sup_b, boss:
        assert run.service.pipeline.allowlist is None  # nothing listed: nothing to check
        async with sup_a.post(url, json={"term": "加微信"}) as r:
            team_term = await r.json()
        async with boss.post(
            url, json={"term": "加微信", "scope": "rooms", "rooms": ["r1", "r2"]}
        ) as r:
            wide = await r.json()
        assert run.service.pipeline.allowlist is not None
        assert run.service.pipeline.allowlist.size == 2
        assert await flagged(run, "r3", "加微信聊", "a") == []  # team A's room
        assert await flagged(run, "r2", "加微信聊", "b") == []  # the rooms term
        for http, term_id, answer in [
            (sup_a, "nope", (404, {"error": "term: not found"})),
            (sup_b, team_term["id"], (404, {"error": "term: not found"})),  # not shown to B
            (sup_a, wide["id"], (403, {"error": "term: outside the rooms you answer for"})),
        ]:
            async with http.delete(f"{url}/{term_id}") as r:
                assert await _answer(r) == answer
        async with sup_a.delete(f"{url}/{team_term['id']}") as r:
            assert await _answer(r) == (200, {"removed": team_term["id"]})
        assert run.service.pipeline.allowlist.size == 1
        assert await flagged(run, "r3", "加微信聊", "c") == ["加微信"]
        async with boss.delete(f"{url}/{wide['id']}") as r:
            assert await _answer(r) == (200, {"removed": wide["id"]})
        assert run.service.pipeline.allowlist is None
        assert await flagged(run, "r2", "加微信聊", "d") == ["加微信"]
        async with boss.delete(f"{url}/{wide['id']}") as r:
            assert r.status == 404
        async with boss.get(f"{run.base}/api/v1/audit?action=allowlist_remove") as r:
            removed = [(e["actor"], e["target"], e["detail"]) for e in (await r.json())["audit"]]
    assert sorted(removed) == [
        ("boss", "加微信", "rooms=r1,r2"),
        ("sup-a", "加微信", "team=team-a"),
    ]


async def test_the_export_lists_the_terms_each_person_sees(run: Running) -> None:
    url = f"{run.base}/api/v1/allowlist"
    sup_a, sup_b, boss = [await _login(run, u) for u in ("sup-a", "sup-b", "boss")]
    async with sup_a, sup_b, boss:
        for http, body in [
            (boss, {"term": "官方旗舰店"}),
            (sup_a, {"term": "团队A词"}),
            (sup_b, {"term": "团队B词"}),
            (boss, {"term": "一号房", "scope": "rooms", "rooms": ["r1"]}),
        ]:
            run.clock.advance(1)  # exported oldest first
            async with http.post(url, json=body) as r:
                assert r.status == 201
        async with sup_a.get(f"{url}/export") as r:
            assert r.status == 200 and r.content_type == "text/plain" and r.charset == "utf-8"
            assert r.headers["Content-Disposition"] == 'attachment; filename="allowlist.txt"'
            text = await r.text()
    header = (
        "# roomwatch allowlist export: the console's terms (a hit lying wholly inside one is\n"
        "# dropped). Scoped terms name their rooms in the comment line above them.\n"
    )
    assert text == (
        header + "# global; by boss\n官方旗舰店\n"
        "# team=team-a; by sup-a\n团队A词\n"
        "# rooms=r1; by boss\n一号房\n"
    )


async def test_a_body_may_take_16_kib_and_each_addition_is_logged(
    run: Running, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"{run.base}/api/v1/allowlist"
    json_type = {"Content-Type": "application/json"}
    raw = orjson.dumps({"term": "微信支付"})
    async with await _login(run, "sup-a") as sup:
        async with sup.post(url, data=raw + b" " * (16_385 - len(raw)), headers=json_type) as r:
            assert r.status == 413
        with caplog.at_level(logging.INFO, logger="monitor.web.allowlist"):
            async with sup.post(url, data=raw + b" " * (16_384 - len(raw)), headers=json_type) as r:
                assert r.status == 201
    assert [r.getMessage() for r in caplog.records if r.name == "monitor.web.allowlist"] == [
        "allowlist term added by sup-a (team=team-a); 1 terms apply"
    ]


async def test_a_supervisor_made_a_controller_is_offered_no_team(run: Running) -> None:
    # Still listed as team A's supervisor: only the role changed.
    demote = {"role": "controller"}
    async with (
        await _login(run, "boss") as boss,
        boss.put(f"{run.base}/api/v1/people/sup-a", json=demote) as r,
    ):
        assert r.status == 200, await r.text()
    async with await _login(run, "sup-a") as demoted:
        async with demoted.get(f"{run.base}/api/v1/allowlist") as r:
            listing = await r.json()
        async with demoted.post(f"{run.base}/api/v1/allowlist", json={"term": "微信支付"}) as r:
            assert r.status == 403
    assert (listing["teams"], listing["can_add"], listing["rooms"]) == ([], False, [])
