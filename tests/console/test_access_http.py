"""Authentication and authorization over HTTP: who may read and act on which room."""

from __future__ import annotations

import aiohttp

from monitor.web.app import build_web_app
from tests.console.conftest import Running

OPEN = {"/healthz", "/readyz", "/login", "/api/v1/login", "/metrics"}


async def test_every_api_route_needs_authentication(running: Running) -> None:
    app = build_web_app(running.service)
    checked = 0
    async with aiohttp.ClientSession() as http:
        for route in app.router.routes():
            info = route.resource.get_info() if route.resource else {}
            path = info.get("path") or info.get("formatter")
            if not path or route.method == "HEAD" or path in OPEN or "prefix" in info:
                continue
            url = running.base + path.replace("{", "").replace("}", "")
            async with http.request(route.method, url, json={}) as r:
                if path == "/" or path.endswith(".html"):
                    assert r.url.path == "/login", f"page {path} sends strangers to /login"
                else:
                    assert r.status == 401, f"{route.method} {path} answered {r.status}"
            checked += 1
        async with http.get(f"{running.base}/healthz") as r:
            assert r.status == 200
        async with http.get(f"{running.base}/metrics") as r:
            assert r.status == 200  # metrics_public: true in this config
    assert checked >= 15


async def test_controller_sees_and_acts_only_on_own_rooms(running: Running) -> None:
    await running.incident("r1", tag="a")
    await running.incident("r2", tag="b")
    a = await running.session("ctl-a")
    b = await running.session("ctl-b")
    async with a, b:
        async with a.get(f"{running.base}/api/v1/alerts") as r:
            mine = (await r.json())["alerts"]
        assert [x["room"] for x in mine] == ["r1"]
        async with b.get(f"{running.base}/api/v1/alerts") as r:
            theirs = (await r.json())["alerts"]
        assert [x["room"] for x in theirs] == ["r2"]
        other = theirs[0]["id"]
        async with a.get(f"{running.base}/api/v1/alerts/{other}") as r:
            assert r.status == 403 and r.content_type == "application/json"
            assert await r.json() == {"error": "room: not one of your rooms"}
        async with a.post(f"{running.base}/api/v1/alerts/{other}/ack") as r:
            assert r.status == 403
        event_id = theirs[0]["comments"][0]["event_id"]
        async with a.post(
            f"{running.base}/api/v1/alerts/{other}/comments/{event_id}", json={"action": "deleted"}
        ) as r:
            assert r.status == 403
        async with a.get(f"{running.base}/api/v1/alerts?room=r2") as r:
            assert r.status == 403
        async with a.get(f"{running.base}/api/v1/rooms") as r:
            assert [x["id"] for x in (await r.json())["rooms"]] == ["r1"]
        alert = await running.service.store.get_alert(other)
        assert alert is not None and alert.state.value == "firing"  # untouched
        async with b.post(
            f"{running.base}/api/v1/alerts/{other}/ack", json={"note": "看到了"}
        ) as r:
            assert r.status == 200
            assert (await r.json())["acked_by"] == "ctl-b"


async def test_supervisor_sees_team_rooms_and_admin_all(running: Running) -> None:
    for room in ("r1", "r2", "r3"):
        await running.incident(room, tag=room)
    sup = await running.session("sup-a")
    boss = await running.session("boss")
    async with sup, boss:
        async with sup.get(f"{running.base}/api/v1/alerts") as r:
            assert sorted(x["room"] for x in (await r.json())["alerts"]) == ["r1", "r3"]
        async with boss.get(f"{running.base}/api/v1/alerts") as r:
            assert sorted(x["room"] for x in (await r.json())["alerts"]) == ["r1", "r2", "r3"]
        async with sup.get(f"{running.base}/api/v1/me") as r:
            assert (await r.json())["visible_rooms"] == ["r1", "r3"]


async def test_login_logout_throttle_and_bad_input(running: Running) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        url = f"{running.base}/api/v1/login"
        json_type = {"Content-Type": "application/json"}
        async with http.post(url, data=b"not json", headers=json_type) as r:
            assert r.status == 400 and "body" in (await r.json())["error"]
        async with http.post(url, json={"user": "ctl-a"}) as r:
            assert r.status == 400 and (await r.json())["error"].startswith("password")
        for _ in range(5):
            async with http.post(url, json={"user": "ctl-a", "password": "wrong"}) as r:
                assert r.status == 401
        async with http.post(url, json={"user": "ctl-a", "password": "pw-ctl-a"}) as r:
            assert r.status == 429  # throttled even with the right password
    b = await running.session("ctl-b")
    async with b:
        async with b.get(f"{running.base}/api/v1/me") as r:
            assert (await r.json())["id"] == "ctl-b"
        async with b.post(f"{running.base}/api/v1/logout") as r:
            assert r.status == 200
        async with b.get(f"{running.base}/api/v1/me") as r:
            assert r.status == 401


async def test_admin_changes_people_at_runtime_with_tokens_and_audit(running: Running) -> None:
    boss = await running.session("boss")
    async with boss:
        url = f"{running.base}/api/v1/people/ctl-new"
        async with boss.put(url, json={"role": "emperor"}) as r:
            assert r.status == 400 and "role" in (await r.json())["error"]
        async with boss.put(url, json={"rooms": ["nowhere"]}) as r:
            assert r.status == 400 and "rooms" in (await r.json())["error"]
        body = {"name": "新人", "role": "controller", "rooms": ["r2"], "password": "long-enough"}
        async with boss.put(url, json=body) as r:
            assert r.status == 200, await r.text()
            assert (await r.json())["has_password"] is True
        async with boss.post(f"{url}/tokens") as r:
            token = (await r.json())["token"]
        stored = await running.service.store.get_items("people")
        assert stored["ctl-new"]["password"].startswith("$argon2id$")
        [filed] = stored["ctl-new"]["tokens"]
        assert filed.split(":", 1)[1].startswith("$argon2id$")
        assert token.startswith(f"rw2.{filed.split(':')[0]}.")  # filed under the token's id
        assert token not in str(stored)
        async with boss.get(f"{running.base}/api/v1/audit") as r:
            actions = [(e["actor"], e["action"], e["target"]) for e in (await r.json())["audit"]]
        assert ("boss", "token_create", "ctl-new") in actions
        assert ("boss", "person_put", "ctl-new") in actions
    await running.incident("r2", tag="t")
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        async with http.get(f"{running.base}/api/v1/alerts") as r:
            assert r.status == 200
            assert {x["room"] for x in (await r.json())["alerts"]} == {"r2"}
        async with http.get(f"{running.base}/api/v1/people") as r:
            assert r.status == 403  # a controller is not an admin
        async with http.get(f"{running.base}/api/v1/audit") as r:
            assert r.status == 403
    bad = {"Authorization": f"Bearer {token[:-3]}bad"}
    async with (
        aiohttp.ClientSession(headers=bad) as http,
        http.get(f"{running.base}/api/v1/alerts") as r,
    ):
        assert r.status == 401


async def test_wrong_bearer_tokens_are_throttled_per_address(running: Running) -> None:
    from monitor.web.auth import MAX_TOKEN_FAILURES

    bad = {"Authorization": "Bearer rw1.ctl-a.not-the-token"}
    async with aiohttp.ClientSession(headers=bad) as http:
        for _ in range(MAX_TOKEN_FAILURES):
            async with http.get(f"{running.base}/api/v1/alerts") as r:
                assert r.status == 401
        async with http.get(f"{running.base}/api/v1/alerts") as r:
            assert r.status == 429 and "too many wrong tokens" in (await r.json())["error"]
            assert int(r.headers["Retry-After"]) > 0
    # Sessions are not tokens: a logged-in controller from the same address goes on.
    async with (
        await running.session("ctl-a") as http,
        http.get(f"{running.base}/api/v1/alerts") as r,
    ):
        assert r.status == 200
