"""Silences and dead letters over real HTTP: every answer word for word, every bound exactly.

Scope (who may silence which room) is in test_silence_scope.py; this file pins the input
checks, the times a silence is given, the answers and the audit entries.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from alerts.notify.base import Notification, Reason
from alerts.notify.dispatch import DEAD_LETTERS
from tests.alerting.receiver import Capture, capture_server
from tests.console.conftest import CONFIG, Running, start

DAYS_30 = 30 * 86_400
NOT_IN_RANGE = "must be a finite number between {lo} and {hi}"


@pytest.fixture
async def hook() -> AsyncIterator[Capture]:
    async with capture_server() as cap:
        yield cap


@pytest.fixture
async def run(hook: Capture) -> AsyncIterator[Running]:
    notifiers = f'notifiers:\n  - {{type: webhook, id: sup, url: "{hook.url}"}}\n'
    running, stop, task = await start(CONFIG + notifiers)
    try:
        yield running
    finally:
        stop.set()
        await task


async def _answer(r: aiohttp.ClientResponse) -> tuple[int, Any]:
    return r.status, await r.json()


def _refusal(field: str, reason: str, status: int = 400) -> tuple[int, dict[str, str]]:
    return status, {"error": f"{field}: {reason}", "field": field}


async def _audit(http: aiohttp.ClientSession, base: str, action: str) -> list[dict[str, Any]]:
    async with http.get(f"{base}/api/v1/audit?action={action}") as r:
        return list((await r.json())["audit"])


async def _dead_letter(run: Running, key: str, failed_at: float) -> None:
    n = Notification(key, "sup", Reason.FIRST_FIRE, 1, "敏感评论集中出现", failed_at)
    record = {"notification": n.to_dict(), "error": "HTTP 503", "attempts": 2}
    await run.service.store.put_item(DEAD_LETTERS, key, {**record, "failed_at": failed_at})


async def test_dead_letters_are_replayed_by_key_and_unknown_keys_are_named(
    run: Running, hook: Capture
) -> None:
    await _dead_letter(run, "k-late", 200.0)
    await _dead_letter(run, "k-early", 100.0)
    url = f"{run.base}/api/v1/dead-letters"
    async with await run.session("boss") as boss:
        async with boss.get(url) as r:
            assert [d["key"] for d in (await r.json())["dead_letters"]] == ["k-early", "k-late"]
        wrong = _refusal("keys", "must be a list of dead-letter keys (or all: true)")
        for body in ({}, {"keys": "k-early"}, {"keys": ["k-early", 5]}, {"all": "yes"}):
            async with boss.post(f"{url}/replay", json=body) as r:
                assert await _answer(r) == wrong, body
        async with boss.post(f"{url}/replay", json={"keys": []}) as r:
            assert await _answer(r) == (200, {"replayed": [], "unknown": []})
        async with boss.post(f"{url}/replay", json={"keys": ["k-early", "nope"]}) as r:
            assert await _answer(r) == (404, {"replayed": ["k-early"], "unknown": ["nope"]})
        [got] = await hook.wait_for(1)
        assert got.headers["Idempotency-Key"] == "k-early"
        async with boss.post(f"{url}/replay", json={"all": True}) as r:
            assert await _answer(r) == (200, {"replayed": ["k-late"], "unknown": []})
        assert [g.headers["Idempotency-Key"] for g in await hook.wait_for(2)][1] == "k-late"
        async with boss.get(url) as r:
            assert (await r.json())["dead_letters"] == []
        async with boss.post(f"{url}/replay", json={"keys": ["k-late"]}) as r:
            assert await _answer(r) == (404, {"replayed": [], "unknown": ["k-late"]})


async def test_silence_fields_are_checked_word_for_word(run: Running) -> None:
    url = f"{run.base}/api/v1/silences"
    async with await run.session("boss") as boss:
        for key in ("room", "plan_id", "created_by", "comment"):
            async with boss.post(url, json={"room": "r1", "duration": 60, key: 5}) as r:
                assert await _answer(r) == _refusal(key, "must be a string")
        async with boss.post(url, json={"room": "r1", "duration": 60, "created_by": "ctl-a"}) as r:
            assert await _answer(r) == _refusal(
                "created_by", "is taken from the login (boss); leave it out"
            )
        for key, value in [("duration", "60"), ("starts_at", True), ("ends_at", [1])]:
            async with boss.post(url, json={"room": "r1", "duration": 60, key: value}) as r:
                assert await _answer(r) == _refusal(key, "must be a number of seconds")
        bounds = {"duration": (1, DAYS_30), "starts_at": (0, 1e11), "ends_at": (0, 1e11)}
        for key, (lo, hi) in bounds.items():
            reason = NOT_IN_RANGE.format(lo=f"{lo:g}", hi=f"{hi:g}")
            for value in (lo - 0.5, hi * 1.5):
                async with boss.post(url, json={"room": "r1", "duration": 60, key: value}) as r:
                    assert await _answer(r) == _refusal(key, reason), (key, value)
        async with boss.post(url, json={"room": "r1"}) as r:
            assert await _answer(r) == _refusal("duration", "give duration (seconds) or ends_at")
        now = run.clock.now()
        for body in (
            {"room": "r1", "starts_at": now, "ends_at": now + DAYS_30 + 1},
            {"room": "r1", "ends_at": now + DAYS_30 + 10},
        ):
            async with boss.post(url, json=body) as r:
                assert await _answer(r) == _refusal("duration", "a silence lasts at most 30 days")
        async with boss.post(url, json={"room": "r1", "starts_at": now, "ends_at": now}) as r:
            assert await _answer(r) == _refusal("ends_at", "must be after starts_at")
        assert await run.service.manager.silences.all() == []
        assert await _audit(boss, run.base, "silence_add") == []


async def test_a_silence_is_given_the_times_asked_for(run: Running) -> None:
    url = f"{run.base}/api/v1/silences"
    now = run.clock.now()
    async with await run.session("sup-a") as sup:
        asked = [
            ({"duration": 1}, now, now + 1),
            ({"duration": DAYS_30}, now, now + DAYS_30),
            ({"starts_at": now + 100, "duration": 60}, now + 100, now + 160),
            ({"starts_at": 0, "duration": 60}, 0, 60),  # 1970: past, but a time
            ({"starts_at": 1e11 - 60, "ends_at": 1e11}, 1e11 - 60, 1e11),
            ({"ends_at": now + 50}, now, now + 50),
            ({"starts_at": now + 10, "ends_at": now + 10 + DAYS_30}, now + 10, now + 10 + DAYS_30),
            ({"duration": 60, "ends_at": now + 5}, now, now + 60),  # duration wins
        ]
        made = []
        for extra, starts, ends in asked:
            body = {"room": "r3", "plan_id": "sensitive_burst", "comment": "维护", **extra}
            async with sup.post(url, json=body) as r:
                status, got = await _answer(r)
            assert status == 201, (extra, got)
            assert (got["starts_at"], got["ends_at"]) == (starts, ends), extra
            assert got["room"] == "r3" and got["plan_id"] == "sensitive_burst"
            assert got["created_by"] == "sup-a" and got["comment"] == "维护"
            made.append(got["id"])
        async with sup.post(url, json={"room": "r3", "duration": 60, "comment": "长" * 600}) as r:
            long = await r.json()
        assert long["comment"] == "长" * 500 and long["plan_id"] == ""
        stored = {s.id: s for s in await run.service.manager.silences.all()}
        assert set(stored) == {*made, long["id"]}
        async with sup.get(url) as r:
            listed = {s["id"]: s for s in (await r.json())["silences"]}
        assert listed[made[0]]["active"] is True and listed[made[2]]["active"] is False
        entries = await _audit(sup, run.base, "silence_add")
        assert {(e["room"], e["target"]) for e in entries} == {("r3", i) for i in stored}


async def test_ending_a_silence_answers_and_records_who(run: Running) -> None:
    url = f"{run.base}/api/v1/silences"
    async with await run.session("sup-a") as sup, await run.session("ctl-a") as ctl:
        async with sup.post(url, json={"room": "r3", "duration": 600}) as r:
            silence = await r.json()
        assert (silence["comment"], silence["plan_id"]) == ("", "")  # none given: none kept
        async with sup.delete(f"{url}/{silence['id']}?actor=boss") as r:
            assert await _answer(r) == _refusal(
                "actor", "is taken from the login (sup-a); leave it out"
            )
        async with sup.delete(f"{url}/nope") as r:
            assert await _answer(r) == (404, {"error": "no such silence", "field": ""})
        async with ctl.get(f"{url}?room=r3") as r:  # r3 is not ctl-a's room
            assert await _answer(r) == _refusal("room", "not one of your rooms", 403)
        async with sup.delete(f"{url}/{silence['id']}?actor=sup-a") as r:
            status, ended = await _answer(r)
        assert status == 200 and ended["expired_by"] == "sup-a"
        assert ended["ends_at"] == run.clock.now()
        [entry] = await _audit(sup, run.base, "silence_end")
        assert (entry["actor"], entry["room"], entry["target"]) == ("sup-a", "r3", silence["id"])
        async with sup.get(f"{url}?room=r3") as r:
            [listed] = (await r.json())["silences"]
        assert listed["active"] is False and listed["expired_by"] == "sup-a"


async def test_a_silence_gone_before_it_is_ended_is_not_found(
    run: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"{run.base}/api/v1/silences"
    async with await run.session("boss") as boss:
        async with boss.post(url, json={"room": "r1", "duration": 600}) as r:
            silence = await r.json()

        async def gone(silence_id: str, *, now: float, actor: str) -> None:
            # The store lost it between the lookup and the end (nothing deletes silences
            # today, but a flushed or restored store can): a 404, never a 500.
            return None

        monkeypatch.setattr(run.service.manager.silences, "expire", gone)
        async with boss.delete(f"{url}/{silence['id']}") as r:
            assert await _answer(r) == (404, {"error": "no such silence", "field": ""})
        assert await _audit(boss, run.base, "silence_end") == []
