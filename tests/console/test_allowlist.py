"""The allowlist: every term the false-positive flow offers silences its flag in the
pipeline, within the term's scope only; who may add, see and remove what."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest

from monitor.events import parse_event
from tests.console.conftest import PASSWORDS, Running, start

CONFIG = """
server: { metrics_public: true }
rooms:
  - { id: r1, name: 一号直播间 }
  - { id: r2, name: 二号直播间 }
  - { id: r3, name: 三号直播间 }
people:
  allow_plain_secrets: true
  users:
    - { id: ctl-a, role: controller, password: pw-ctl-a, rooms: [r1] }
    - { id: ctl-b, role: controller, password: pw-ctl-b, rooms: [r2] }
    - { id: sup-a, role: supervisor, password: pw-sup-a }
    - { id: sup-b, role: supervisor, password: pw-sup-b }
    - { id: boss, role: admin, password: pw-boss }
  teams:
    - { id: team-a, supervisors: [sup-a], members: [ctl-a], rooms: [r3] }
    - { id: team-b, supervisors: [sup-b], members: [ctl-b] }
detection:
  lexicon_dir: LEXICONS
  allowlist_files: []
  contact: { cue_files: [], cues: [微信, vx] }
  sentiment: { enabled: false }
  categories:
    - id: contact_diversion
      severity: critical
      terms: [加我微信, 加微信, 私下交易]
      homophones: true
      contact: true
plans:
  items:
    - id: sensitive_burst
      name: 敏感评论集中出现
      severity: critical
      count: { signal: sensitive, min: 2, window: 60 }
"""
PASSWORDS = {**PASSWORDS, "sup-b": "pw-sup-b"}

# A comment of each kind of flag the console offers a term for.
OFFERED = {
    "lexicon term": ("今天加我微信吧", {"加我微信"}),
    "homophone": ("家威信聊聊", {"加微信"}),
    "phone": ("微信 13812345678", {"phone:13812345678"}),
    "qq": ("微信 12345678", {"qq:12345678"}),
    "long number": ("微信 1234567890123456", {"number:1234567890123456"}),
    "contact id": ("微信 wxid8888abc", {"id:wxid8888abc"}),
}


async def session(run: Running, user: str) -> aiohttp.ClientSession:
    http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with http.post(
        f"{run.base}/api/v1/login", json={"user": user, "password": PASSWORDS[user]}
    ) as r:
        assert r.status == 200, await r.text()
    return http


async def flagged(run: Running, room: str, text: str, tag: str) -> list[str]:
    """Push one comment through the pipeline; return the evidence terms of its flags."""
    event_id = f"{tag}-{room}"
    event = parse_event(
        {"kind": "comment", "room": room, "text": text, "user": f"u-{tag}", "id": event_id}
    )
    await run.service.emit(event)
    await run.service.pipeline.drain(5.0)
    items = await run.service.store.read_feed(0, rooms=[room], limit=10_000)
    return [
        e["term"]
        for i in items
        if i.type == "flag" and i.data["event_id"] == event_id
        for e in i.data["evidence"]
    ]


@pytest.fixture
async def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    running, stop, task = await start(CONFIG.replace("LEXICONS", str(tmp_path)))
    try:
        yield running
    finally:
        stop.set()
        await task


@pytest.mark.parametrize("kind", sorted(OFFERED))
async def test_each_offered_term_silences_its_flag_in_the_teams_rooms_only(
    run: Running, kind: str, tmp_path: Path
) -> None:
    text, expected = OFFERED[kind]
    # Two viewers type it in r1: an alert opens, the controller marks one false positive.
    for n in range(2):
        await run.service.emit(
            parse_event({"kind": "comment", "room": "r1", "text": text, "user": f"v{n}"})
        )
    await run.service.pipeline.drain(5.0)
    [alert] = await run.service.store.list_alerts(rooms=["r1"])
    ctl, sup = await session(run, "ctl-a"), await session(run, "sup-a")
    async with ctl, sup:
        url = f"{run.base}/api/v1/alerts/{alert.id}/comments/{alert.comments[0].event_id}"
        async with ctl.post(url, json={"action": "false_positive"}) as r:
            assert r.status == 200
        async with sup.get(f"{run.base}/api/v1/false-positives") as r:
            [report] = (await r.json())["false_positives"]
        assert set(report["terms"]) == expected  # what the console offers
        for term in report["terms"]:
            body = {"term": term, "category": report["category"], "scope": "team", "team": "team-a"}
            async with sup.post(f"{run.base}/api/v1/allowlist", json=body) as r:
                assert r.status == 201, await r.text()
                added = await r.json()
            assert added["by"] == "sup-a" and added["applies_to"] == ["r1", "r3"]
    assert await flagged(run, "r1", text, "after") == []  # the team's room: quiet
    assert set(await flagged(run, "r2", text, "after")) == expected  # another team's: flagged
    assert not await asyncio.to_thread(lambda: list(tmp_path.iterdir()))  # no file written


async def test_a_wider_phrase_covers_the_hit_inside_it(run: Running) -> None:
    boss = await session(run, "boss")
    async with boss:
        body = {"term": "加微信支付", "scope": "rooms", "rooms": ["r2"]}
        async with boss.post(f"{run.base}/api/v1/allowlist", json=body) as r:
            assert r.status == 201
    assert await flagged(run, "r2", "用加微信支付就行", "a") == []
    assert await flagged(run, "r2", "加微信聊", "b") == ["加微信"]  # outside the phrase
    assert await flagged(run, "r1", "用加微信支付就行", "c") == ["加微信"]  # other room


async def test_scopes_are_enforced_from_the_other_teams_side(run: Running) -> None:
    base = f"{run.base}/api/v1/allowlist"
    pay = "微信支付"
    ctl_a, sup_a, sup_b, boss = [await session(run, u) for u in ("ctl-a", "sup-a", "sup-b", "boss")]
    async with ctl_a, sup_a, sup_b, boss:
        async with ctl_a.post(base, json={"term": pay, "scope": "rooms", "rooms": ["r1"]}) as r:
            assert r.status == 403  # controllers report; supervisors decide
        async with sup_a.post(base, json={"term": pay, "scope": "global"}) as r:
            assert r.status == 403 and (await r.json())["field"] == "scope"
        async with sup_a.post(base, json={"term": pay, "scope": "team", "team": "team-b"}) as r:
            assert r.status == 403 and (await r.json())["field"] == "team"
        async with sup_a.post(base, json={"term": pay, "scope": "rooms", "rooms": ["r2"]}) as r:
            assert r.status == 403 and "r2" in (await r.json())["error"]
        async with sup_a.post(base, json={"term": pay, "scope": "rooms", "rooms": ["r9"]}) as r:
            assert r.status == 400 and (await r.json())["field"] == "rooms"
        async with sup_a.post(base, json={"term": pay, "scope": "team", "team": "nope"}) as r:
            assert r.status == 400
        async with sup_a.post(base, json={"term": pay}) as r:  # one team: its team
            assert r.status == 201
            mine = await r.json()
        assert mine["scope"] == "team" and mine["team"] == "team-a"
        async with sup_a.post(base, json={"term": pay}) as r:
            assert r.status == 409
        async with boss.post(base, json={"term": "官方旗舰店"}) as r:  # admins: global
            assert r.status == 201
            everywhere = await r.json()
        assert everywhere["scope"] == "global" and everywhere["applies_to"] is None

        async with sup_b.get(base) as r:
            seen_b = {t["term"]: t for t in (await r.json())["terms"]}
        assert set(seen_b) == {"官方旗舰店"}  # team A's term is not shown to team B
        assert seen_b["官方旗舰店"]["can_remove"] is False
        async with sup_b.delete(f"{base}/{mine['id']}") as r:
            assert r.status == 404  # not visible from team B
        async with sup_a.delete(f"{base}/{everywhere['id']}") as r:
            assert r.status == 403  # global terms: admins only
        async with ctl_a.get(base) as r:
            listing = await r.json()
        assert {t["term"] for t in listing["terms"]} == {"微信支付", "官方旗舰店"}
        assert listing["can_add"] is False and all(not t["can_remove"] for t in listing["terms"])
        async with sup_a.get(f"{base}/export") as r:
            exported = await r.text()
        assert "\n微信支付\n" in exported and "# team=team-a; by sup-a" in exported
        async with sup_a.delete(f"{base}/{mine['id']}") as r:
            assert r.status == 200
        async with sup_a.get(f"{run.base}/api/v1/audit?action=allowlist_remove") as r:
            [entry] = (await r.json())["audit"]
        assert entry["actor"] == "sup-a" and entry["target"] == "微信支付"
        async with sup_a.get(base) as r:
            assert {t["term"] for t in (await r.json())["terms"]} == {"官方旗舰店"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"term": "微信\u2028加我vx 123456", "scope": "global"}, "term"),
        ({"term": "微信\u2029", "scope": "global"}, "term"),
        ({"term": "\u202eadmin", "scope": "global"}, "term"),
        ({"term": "a\x07b", "scope": "global"}, "term"),
        ({"term": 5, "scope": "global"}, "term"),
        ({"term": "x" * 200, "scope": "global"}, "term"),
        ({"term": "微信支付", "scope": "rooms", "rooms": "r1"}, "rooms"),
        ({"term": "微信支付", "scope": "rooms", "rooms": [1]}, "rooms"),
        ({"term": "微信支付", "scope": "team", "team": ["a"]}, "team"),
        ({"term": "微信支付", "scope": None}, "scope"),
        ({"term": "微信支付", "scope": "global", "category": {"a": 1}}, "category"),
    ],
)
async def test_hostile_additions_get_a_clear_400(run: Running, body: dict, field: str) -> None:
    boss = await session(run, "boss")
    async with boss:
        async with boss.post(f"{run.base}/api/v1/allowlist", json=body) as r:
            assert r.status == 400
            answer = await r.json()
        assert answer["field"] == field and answer["error"].startswith(field)
        async with boss.post(
            f"{run.base}/api/v1/allowlist",
            data=b"{" * 20_000,
            headers={"Content-Type": "application/json"},
        ) as r:
            assert r.status == 413
        async with boss.get(f"{run.base}/api/v1/allowlist") as r:
            assert (await r.json())["terms"] == []
