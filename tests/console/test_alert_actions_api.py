"""Acting on alerts and their flagged comments over real HTTP: each action's answer, its
note, its refusals word for word, and the audit entry it leaves (ok or not)."""

from __future__ import annotations

from typing import Any

import aiohttp

from alerts.model import Alert
from tests.console.conftest import Running


async def _answer(r: aiohttp.ClientResponse) -> tuple[int, Any]:
    return r.status, await r.json()


async def _audit(http: aiohttp.ClientSession, base: str) -> list[dict[str, Any]]:
    async with http.get(f"{base}/api/v1/audit?limit=100") as r:
        entries = (await r.json())["audit"]
    # The handlers' own entries (a refused request leaves one "POST <route>" entry instead).
    return [e for e in entries if e["action"] != "login" and " " not in e["action"]]


async def _alert(running: Running, room: str, tag: str) -> Alert:
    await running.incident(room, tag=tag)
    [alert] = await running.service.store.list_alerts(rooms=[room])
    return alert


async def test_ack_unack_and_resolve_with_their_notes_and_audit(running: Running) -> None:
    alert = await _alert(running, "r1", "x")
    url = f"{running.base}/api/v1/alerts/{alert.id}"
    async with await running.session("ctl-a") as ctl, await running.session("boss") as boss:
        async with ctl.post(f"{url}/snooze") as r:
            assert await _answer(r) == (
                404,
                {"error": "action: unknown 'snooze' (ack, unack or resolve)"},
            )
        async with ctl.post(f"{url}/ack", json={"note": 5}) as r:
            assert await _answer(r) == (400, {"error": "note: must be a string"})
        async with ctl.post(f"{url}/unack") as r:
            assert await _answer(r) == (409, {"error": "alert is firing, not acknowledged"})
        async with ctl.post(f"{url}/ack", json={"note": "看" * 600}) as r:
            status, acked = await _answer(r)
        assert status == 200 and acked["state"] == "acknowledged" and acked["acked_by"] == "ctl-a"
        assert acked["history"][-1]["detail"] == "看" * 500
        async with ctl.post(f"{url}/ack", json={"note": "again"}) as r:
            assert await _answer(r) == (409, {"error": "alert is acknowledged, not firing"})
        async with ctl.post(f"{url}/unack", json={"note": "先放一放"}) as r:
            status, unacked = await _answer(r)
        assert status == 200 and unacked["state"] == "firing"
        assert (unacked["history"][-1]["actor"], unacked["history"][-1]["detail"]) == (
            "ctl-a",
            "先放一放",
        )
        async with ctl.post(f"{url}/ack") as r:  # no body: no note
            status, acked = await _answer(r)
        assert status == 200 and acked["history"][-1]["detail"] == ""
        async with ctl.post(f"{url}/resolve", json={"note": "处理完了"}) as r:
            status, resolved = await _answer(r)
        assert status == 200 and resolved["state"] == "resolved"
        assert resolved["resolved_by"] == "ctl-a"
        assert resolved["history"][-1]["detail"] == "处理完了"
        async with ctl.post(f"{url}/resolve", json={}) as r:
            assert await _answer(r) == (409, {"error": "alert is already resolved"})
        async with ctl.get(url) as r:
            assert await _answer(r) == (200, resolved)
        entries = list(reversed(await _audit(boss, running.base)))
    assert {(e["actor"], e["room"]) for e in entries} == {("ctl-a", "r1")}
    a = alert.id
    assert [(e["action"], e["target"], e["ok"], e["detail"]) for e in entries] == [
        ("unacknowledge", a, False, "alert is firing, not acknowledged"),
        ("acknowledge", a, True, "看" * 500),
        ("acknowledge", a, False, "alert is acknowledged, not firing"),
        ("unacknowledge", a, True, "先放一放"),
        ("acknowledge", a, True, ""),
        ("resolve", a, True, "处理完了"),
        ("resolve", a, False, "alert is already resolved"),
    ]


async def test_an_action_body_of_8_kib_is_read_and_one_byte_more_refused(running: Running) -> None:
    alert = await _alert(running, "r1", "n")
    ack = f"{running.base}/api/v1/alerts/{alert.id}/ack"
    comment = f"{running.base}/api/v1/alerts/{alert.id}/comments/{alert.comments[0].event_id}"
    json_type = {"Content-Type": "application/json"}
    async with await running.session("ctl-a") as ctl:
        for url, raw in [(ack, b'{"note": "ok"}'), (comment, b'{"action": "muted", "note": "ok"}')]:
            async with ctl.post(url, data=raw + b" " * (8_193 - len(raw)), headers=json_type) as r:
                assert r.status == 413
            async with ctl.post(url, data=b"[]", headers=json_type) as r:
                assert await _answer(r) == (400, {"error": "body: must be a JSON object"})
            async with ctl.post(url, data=raw + b" " * (8_192 - len(raw)), headers=json_type) as r:
                assert r.status == 200 and (await r.json())["history"][-1]["detail"] == "ok"


async def test_comment_actions_answer_and_leave_their_audit_entry(running: Running) -> None:
    alert = await _alert(running, "r1", "c")
    first, second = (c.event_id for c in alert.comments[:2])
    url = f"{running.base}/api/v1/alerts/{alert.id}/comments"
    async with await running.session("ctl-a") as ctl, await running.session("boss") as boss:
        bad_action = "action: must be deleted, muted, replied or false_positive"
        for body in ({}, {"action": "ban"}, {"action": None}):
            async with ctl.post(f"{url}/{first}", json=body) as r:
                assert await _answer(r) == (400, {"error": bad_action}), body
        async with ctl.post(f"{url}/{first}", json={"action": "muted", "note": []}) as r:
            assert await _answer(r) == (400, {"error": "note: must be a string"})
        async with ctl.post(f"{url}/{first}", json={"action": "muted", "note": "禁" * 600}) as r:
            status, muted = await _answer(r)
        assert status == 200
        [handled] = [c for c in muted["comments"] if c["event_id"] == first]
        assert handled["action"] == "muted" and handled["handled_by"] == "ctl-a"
        noted = muted["history"][-1]
        assert (noted["action"], noted["actor"], noted["detail"]) == (
            "comment_muted",
            "ctl-a",
            "禁" * 600,  # the alert's history keeps the whole note; the audit log 500
        )
        async with ctl.post(f"{url}/{first}", json={"action": "deleted"}) as r:
            assert await _answer(r) == (409, {"error": "comment already handled as muted"})
        async with ctl.post(f"{url}/nope", json={"action": "replied"}) as r:
            assert await _answer(r) == (
                404,
                {"error": "no flagged comment 'nope' in this alert"},
            )
        async with ctl.post(f"{url}/{second}", json={"action": "false_positive"}) as r:
            status, updated = await _answer(r)
        assert status == 200
        [reported] = [c for c in updated["comments"] if c["event_id"] == second]
        assert reported["action"] == "false_positive"
        assert updated["history"][-1]["detail"] == second  # no note: the comment's id
        async with boss.get(f"{running.base}/api/v1/false-positives") as r:
            [fp] = (await r.json())["false_positives"]
        assert (fp["by"], fp["room"], fp["terms"]) == ("ctl-a", "r1", ["加我微信"])
        assert fp["text"] == next(c.text for c in alert.comments if c.event_id == second)
        entries = list(reversed(await _audit(boss, running.base)))
    assert {(e["actor"], e["room"]) for e in entries} == {("ctl-a", "r1")}
    a = alert.id
    assert [(e["action"], e["target"], e["ok"], e["detail"]) for e in entries] == [
        ("comment_muted", f"{a}/{first}", True, "禁" * 500),
        ("comment_deleted", f"{a}/{first}", False, "comment already handled as muted"),
        ("comment_replied", f"{a}/nope", False, "no flagged comment 'nope' in this alert"),
        ("comment_false_positive", f"{a}/{second}", True, ""),
    ]


async def test_an_unknown_alert_is_a_json_404_for_every_action(running: Running) -> None:
    url = f"{running.base}/api/v1/alerts/nope"
    async with await running.session("boss") as boss:
        for method, path, body in [
            ("GET", "", None),
            ("POST", "/ack", None),
            ("POST", "/comments/e1", {"action": "deleted"}),
        ]:
            async with boss.request(method, url + path, json=body) as r:
                assert await _answer(r) == (404, {"error": "alert: not found"}), path
