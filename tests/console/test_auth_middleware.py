"""The authentication middleware, login, logout and /me on a small app, both teams' sides.

Only monitor/web/auth.py's routes and a few stand-in handlers are served (no pipeline),
the throttle runs on a controlled clock and hashing is made cheap, so each test takes a
fraction of a second.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer, make_mocked_request
from prometheus_client import CollectorRegistry, Counter

from alerts.clock import ManualClock
from alerts.store.memory import MemoryStore
from config.loader import load_config_text
from monitor.access import throttle
from monitor.access.audit import AuditLog
from monitor.access.directory import Directory
from monitor.access.failures import LOG_EVERY, AuthFailures
from monitor.access.sessions import SESSION_KIND, SessionStore
from monitor.access.throttle import (
    ADDRESS_LIMIT,
    TOKEN_ADDRESS_LIMIT,
    USER_FREE,
    WINDOW,
    Throttle,
)
from monitor.web import auth
from monitor.web.auth import (
    ACCESS,
    AUTH_VIA,
    COOKIE,
    CREDENTIAL,
    Access,
    audit,
    auth_middleware,
    current_user,
)
from monitor.web.keys import SERVICE

CONFIG = """
rooms: [{id: r1}, {id: r2}, {id: r3}]
server: {metrics_public: %(public)s, metrics_token: "%(token)s", secure_cookies: %(secure)s}
people:
  allow_plain_secrets: true
  session_ttl: 3600.75
  users:
    - {id: ctl-a, name: 小王, role: controller, password: pw-ctl-a, rooms: [r1],
       tokens: [plain-token-of-ctl-a]}
    - {id: ctl-b, name: 小张, role: controller, password: pw-ctl-b, rooms: [r2],
       tokens: [plain-token-of-ctl-b]}
    - {id: sup-a, role: supervisor, password: pw-sup-a}
    - {id: sup-b, role: supervisor, password: pw-sup-b}
    - {id: boss, role: admin, password: pw-boss}
  teams:
    - {id: team-a, supervisors: [sup-a], members: [ctl-a], rooms: [r3]}
    - {id: team-b, supervisors: [sup-b], members: [ctl-b]}
"""
pytestmark = pytest.mark.usefixtures("cheap_hashes")
NEED_LOGIN = {"error": "authentication required: log in or send a bearer token"}
OPEN = ["/healthz", "/readyz", "/login", "/api/v1/login", "/favicon.ico", "/static/app.js"]
SELF_AUTH = ["/api/v1/ingest", "/api/v1/ingest/batch", "/api/v1/callbacks/douyin", "/hooks/own"]
NOT_OPEN = ["/staticx", "/healthz/x", "/api/v1/callbacks", "/hooks/own/x", "/api/v1/whoami"]


class Monotonic:
    """The throttle's clock."""

    def __init__(self) -> None:
        self.t = 5000.0

    def __call__(self) -> float:
        return self.t


@dataclass
class Served:
    client: TestClient[Any, Any]
    access: Access
    store: MemoryStore
    registry: CollectorRegistry
    throttle_clock: Monotonic

    def failures(self, kind: str, reason: str) -> float:
        labels = {"kind": kind, "reason": reason}
        return self.registry.get_sample_value("auth_failures_total", labels) or 0.0

    async def login(self, user: str, password: str = "", remote: str = "") -> Any:
        """Log in (the client keeps the cookie); return the response."""
        body = {"user": user, "password": password or f"pw-{user}"}
        headers = address(remote) if remote else None
        return await self.client.post("/api/v1/login", json=body, headers=headers)

    async def audit_log(self) -> list[dict[str, Any]]:
        return [{k: v for k, v in e.items() if k != "ts"} for e in await self.access.audit.read()]


async def _whoami(request: web.Request) -> web.Response:
    user = request.get(auth.USER)
    return web.json_response(
        {
            "user": user.id if user else None,
            "via": request.get(AUTH_VIA),
            "credential": request.get(CREDENTIAL),
        }
    )


async def _change(request: web.Request) -> web.Response:
    if "raise" in request.query:
        raise web.HTTPConflict(text="taken")
    if "crash" in request.query:
        raise RuntimeError("the handler failed")
    return web.json_response({}, status=int(request.query.get("status", "200")))


async def _audits_itself(request: web.Request) -> web.Response:
    await audit(request, "own_entry", room="r1", target="t", ok=False, detail="d")
    return web.json_response({})


@web.middleware
async def _remote_from_header(request: web.Request, handler: Any) -> web.StreamResponse:
    """Stands in for the guard's trusted-proxy rule: the client address from a header."""
    if remote := request.headers.get("X-Test-Remote"):
        request = request.clone(remote=remote)
    return await handler(request)


def address(remote: str) -> dict[str, str]:
    return {"X-Test-Remote": remote}


async def serve(
    *, public: bool = True, token: str = "", secure: bool = False
) -> AsyncIterator[Served]:
    text = CONFIG % {"public": str(public).lower(), "token": token, "secure": str(secure).lower()}
    config = load_config_text(text, env={})
    store, clock, throttle_clock = MemoryStore(), ManualClock(), Monotonic()
    registry = CollectorRegistry()
    access = Access(
        directory=Directory(config.people, ("r1", "r2", "r3"), store),
        sessions=SessionStore(store, clock, config.people.session_ttl),
        audit=AuditLog(store, clock),
        # Each failure reads a new logging window: every failure is logged.
        failures=AuthFailures(
            Counter("auth_failures", "", ["kind", "reason"], registry=registry),
            clock=itertools.count(0, LOG_EVERY).__next__,
        ),
        self_auth=frozenset({"/hooks/own"}),
        throttle=Throttle(throttle_clock),
    )
    app = web.Application(middlewares=[_remote_from_header, auth_middleware])
    app[ACCESS] = access
    app[SERVICE] = SimpleNamespace(config=config)  # type: ignore[assignment]
    auth.register(app)
    for path in [*OPEN, *SELF_AUTH, *NOT_OPEN, "/metrics", "/", "/page.html"]:
        if path not in ("/api/v1/login",):
            app.router.add_route("*", path, _whoami)
    app.router.add_route("*", "/api/v1/silences", _whoami)
    app.router.add_route("*", "/api/v1/silences/{id}", _whoami)
    app.router.add_route("*", "/api/v1/dead-letters", _whoami)
    app.router.add_post("/api/v1/things/{id}", _change)
    app.router.add_post("/api/v1/own", _audits_itself)
    async with TestClient(TestServer(app)) as client:
        yield Served(client, access, store, registry, throttle_clock)


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    async for s in serve():
        yield s


async def test_open_paths_and_everything_else(served: Served) -> None:
    http = served.client
    for path in OPEN + SELF_AUTH:
        if path == "/api/v1/login":
            continue
        r = await http.get(path)
        assert r.status == 200, path
        assert await r.json() == {"user": None, "via": None, "credential": None}
    for path in NOT_OPEN:
        r = await http.get(path)
        assert (r.status, await r.json()) == (401, NEED_LOGIN), path
    # Pages send strangers to the login page; API calls and changes are refused.
    for method, path in (("GET", "/"), ("POST", "/"), ("GET", "/page.html")):
        r = await http.request(method, path, allow_redirects=False)
        assert (r.status, r.headers["Location"]) == (302, "/login"), (method, path)
    r = await http.post("/page.html", allow_redirects=False)
    assert (r.status, await r.json()) == (401, NEED_LOGIN)
    assert (await http.get("/metrics")).status == 200  # metrics_public
    assert await served.audit_log() == []  # strangers never write the audit log


async def test_metrics_is_open_when_public_or_guarded_by_its_own_token() -> None:
    async for s in serve(public=False):
        r = await s.client.get("/metrics")
        assert (r.status, await r.json()) == (401, NEED_LOGIN)
        assert (await s.login("ctl-a")).status == 200
        assert (await (await s.client.get("/metrics")).json())["user"] == "ctl-a"
    async for s in serve(public=False, token="metrics-secret"):
        r = await s.client.get("/metrics")  # the handler checks the metrics token
        assert (r.status, (await r.json())["user"]) == (200, None)


async def test_a_login_gives_a_session_cookie_and_the_persons_view(served: Served) -> None:
    r = await served.login("sup-b")
    assert r.status == 200
    assert await r.json() == {
        "id": "sup-b",
        "name": "",
        "role": "supervisor",
        "rooms": [],
        "has_password": True,
        "tokens": 0,
        "visible_rooms": ["r2"],
    }
    cookie = r.cookies[COOKIE]
    assert cookie["httponly"] is True and cookie["samesite"] == "Strict"
    assert cookie["path"] == "/" and cookie["max-age"] == "3600"  # int(session_ttl)
    assert not cookie["secure"]
    sid = cookie.value
    me = await served.client.get("/api/v1/whoami")
    key = SessionStore.key(sid)
    assert await me.json() == {"user": "sup-b", "via": "session", "credential": key}
    assert key in await served.store.get_items(SESSION_KIND)
    assert await served.audit_log() == [
        {
            "actor": "sup-b",
            "action": "login",
            "room": "",
            "target": "",
            "ok": True,
            "detail": "",
            "via": "password",
        }
    ]


async def test_the_cookie_is_secure_when_configured() -> None:
    async for s in serve(secure=True):
        r = await s.login("ctl-a")
        assert r.status == 200 and r.cookies[COOKIE]["secure"] is True


async def test_me_shows_each_side_its_own_rooms(served: Served) -> None:
    for user, rooms in [
        ("ctl-a", ["r1"]),
        ("ctl-b", ["r2"]),
        ("sup-a", ["r1", "r3"]),
        ("sup-b", ["r2"]),
        ("boss", ["r1", "r2", "r3"]),
    ]:
        assert (await served.login(user)).status == 200
        me = await (await served.client.get("/api/v1/me")).json()
        assert (me["id"], me["visible_rooms"]) == (user, rooms)
    me = await (await served.client.get("/api/v1/me")).json()
    assert {k: me[k] for k in ("name", "rooms", "tokens")} == {"name": "", "rooms": [], "tokens": 0}
    assert (await served.login("ctl-a")).status == 200
    me = await (await served.client.get("/api/v1/me")).json()
    assert {k: me[k] for k in ("name", "rooms", "tokens")} == {
        "name": "小王",
        "rooms": ["r1"],
        "tokens": 1,
    }


async def test_bearer_tokens_name_their_owner(served: Served) -> None:
    http = served.client
    for header, user, token in [
        ("Bearer plain-token-of-ctl-a", "ctl-a", "plain-token-of-ctl-a"),
        ("bearer plain-token-of-ctl-b  ", "ctl-b", "plain-token-of-ctl-b"),
        ("BEARER plain-token-of-ctl-b", "ctl-b", "plain-token-of-ctl-b"),
    ]:
        r = await http.get("/api/v1/whoami", headers={"Authorization": header})
        assert await r.json() == {"user": user, "via": "token", "credential": token}
    for header in ("Bearer plain-token-of-ctl-", "plain-token-of-ctl-a", "Basic eDp5"):
        r = await http.get("/api/v1/whoami", headers={"Authorization": header})
        assert (r.status, await r.json()) == (401, NEED_LOGIN), header
    # Only the wrong bearer token is a failure; a header of another kind is no credential.
    assert served.failures("token", "unknown token") == 1


async def test_a_session_ends_with_its_person_or_a_forged_cookie_is_nobody(
    served: Served,
) -> None:
    http = served.client
    assert (await served.login("ctl-b")).status == 200
    await served.access.directory.delete_person("ctl-b")
    r = await http.get("/api/v1/whoami")
    assert (r.status, await r.json()) == (401, NEED_LOGIN)
    http.session.cookie_jar.update_cookies({COOKIE: "forged"})
    assert (await http.get("/api/v1/whoami")).status == 401


async def test_logout_ends_the_session_and_drops_the_cookie(served: Served) -> None:
    http = served.client
    r = await served.login("ctl-a")
    sid = r.cookies[COOKIE].value
    r = await http.post("/api/v1/logout")
    assert (r.status, await r.json()) == (200, {"ok": True})
    dropped = r.cookies[COOKIE]
    assert dropped.value == "" and dropped["path"] == "/" and dropped["max-age"] == "0"
    assert SessionStore.key(sid) not in await served.store.get_items(SESSION_KIND)
    assert await served.access.sessions.lookup(sid) is None
    http.session.cookie_jar.update_cookies({COOKIE: sid})  # replaying the old cookie
    assert (await http.get("/api/v1/whoami")).status == 401
    # By token there is no session to end; the logout is recorded all the same.
    r = await http.post("/api/v1/logout", headers={"Authorization": "Bearer plain-token-of-ctl-b"})
    assert r.status == 200
    log = await served.audit_log()
    assert [(e["actor"], e["action"], e["via"]) for e in log] == [
        ("ctl-b", "logout", "token"),
        ("ctl-a", "logout", "session"),
        ("ctl-a", "login", "password"),
    ]
    assert len(log) == 3  # the middleware adds no second entry for an audited change


async def test_login_refuses_bad_input_and_wrong_passwords(served: Served) -> None:
    http = served.client
    for body, error in [
        ({"password": "x"}, "user: required"),
        ({"user": "", "password": "x"}, "user: required"),
        ({"user": 7, "password": "x"}, "user: required"),
        ({"user": "ctl-a"}, "password: required"),
        ({"user": "ctl-a", "password": ""}, "password: required"),
        ({"user": "ctl-a", "password": ["pw-ctl-a"]}, "password: required"),
    ]:
        r = await http.post("/api/v1/login", json=body)
        assert (r.status, await r.json()) == (400, {"error": error}), body
    r = await http.post("/api/v1/login", json={"user": "ctl-a", "password": "p" * 4096})
    assert r.status == 413
    for user in ("ctl-a", "nobody"):
        r = await served.login(user, "wrong")
        assert (r.status, await r.json()) == (401, {"error": "wrong user or password"})
        assert COOKIE not in r.cookies
    assert served.failures("login", "bad user or password") == 2
    assert await served.store.get_items(SESSION_KIND) == {}
    assert await served.audit_log() == []


async def test_a_user_failing_is_slowed_from_every_address_then_cleared(served: Served) -> None:
    for _ in range(USER_FREE):
        assert (await served.login("ctl-a", "wrong")).status == 401
    r = await served.login("ctl-a")  # the right password, too soon
    assert r.status == 429 and r.headers["Retry-After"] == "2"  # 1 s, rounded up
    assert served.failures("login", "throttled") == 1
    assert (await served.login("ctl-b")).status == 200  # the other team is not slowed
    served.throttle_clock.t += 1
    assert (await served.login("ctl-a")).status == 200
    # A success clears the user's count: one more mistake is not slowed.
    assert (await served.login("ctl-a", "wrong")).status == 401
    assert (await served.login("ctl-a")).status == 200


async def test_user_names_are_throttled_by_their_first_64_characters(served: Served) -> None:
    for _ in range(USER_FREE):
        assert (await served.login("x" * 64 + "a", "wrong")).status == 401
    assert (await served.login("x" * 64 + "b", "wrong")).status == 429
    assert (await served.login("x" * 63 + "b", "wrong")).status == 401


async def test_a_slowed_user_counts_against_the_address_trying(served: Served) -> None:
    for _ in range(USER_FREE):
        assert (await served.login("ctl-a", "wrong")).status == 401
    for _ in range(ADDRESS_LIMIT - USER_FREE):
        assert (await served.login("ctl-a")).status == 429
    # The address is now at its limit: every user from it waits out the window.
    r = await served.login("ctl-b")
    assert r.status == 429 and r.headers["Retry-After"] == "301"


async def test_an_address_guessing_is_stopped_for_every_user(served: Served) -> None:
    for i in range(ADDRESS_LIMIT):
        assert (await served.login(f"guess-{i}", "wrong")).status == 401
    for user in ("ctl-a", "ctl-b"):
        r = await served.login(user)
        assert r.status == 429 and r.headers["Retry-After"] == "301"
        assert await r.json() == {"error": "too many failed logins: wait a few seconds"}
    # Tokens are counted apart from logins.
    r = await served.client.get(
        "/api/v1/whoami", headers={"Authorization": "Bearer plain-token-of-ctl-a"}
    )
    assert r.status == 200


async def test_wrong_tokens_from_one_address_are_cut_off(served: Served) -> None:
    http = served.client
    wrong = {"Authorization": "Bearer not-a-token"}
    for _ in range(TOKEN_ADDRESS_LIMIT):
        assert (await http.get("/api/v1/whoami", headers=wrong)).status == 401
    assert served.failures("token", "unknown token") == TOKEN_ADDRESS_LIMIT
    right = {"Authorization": "Bearer plain-token-of-ctl-a"}
    for headers in (wrong, right):
        r = await http.get("/api/v1/whoami", headers=headers)
        assert r.status == 429 and r.headers["Retry-After"] == "301"
        assert await r.json() == {
            "error": "too many wrong tokens from this address: try again in a few minutes"
        }
    assert served.failures("token", "unknown token") == TOKEN_ADDRESS_LIMIT
    # Logins are counted apart from tokens.
    assert (await served.login("ctl-a")).status == 200
    assert (await http.get("/api/v1/whoami")).status == 200


async def test_operator_endpoints_need_their_role(served: Served) -> None:
    http = served.client
    supervisors = {"error": "role: needs supervisor or admin"}
    admins = {"error": "role: needs admin"}
    for user, allowed in [
        ("ctl-a", set()),
        ("ctl-b", set()),
        ("sup-a", {"silences"}),
        ("sup-b", {"silences"}),
        ("boss", {"silences", "dead"}),
    ]:
        assert (await served.login(user)).status == 200
        for method in ("GET", "PATCH"):
            assert (await http.request(method, "/api/v1/silences")).status == 200
        for method, path in [
            ("POST", "/api/v1/silences"),
            ("PUT", "/api/v1/silences"),
            ("DELETE", "/api/v1/silences/s1"),
        ]:
            r = await http.request(method, path)
            if "silences" in allowed:
                assert r.status == 200, (user, method)
            else:
                assert (r.status, await r.json()) == (403, supervisors), (user, method)
        for method in ("GET", "POST"):
            r = await http.request(method, "/api/v1/dead-letters")
            if "dead" in allowed:
                assert r.status == 200, (user, method)
            else:
                assert (r.status, await r.json()) == (403, admins), (user, method)


async def test_every_change_is_audited_with_its_outcome(served: Served) -> None:
    http = served.client
    assert (await served.login("ctl-a")).status == 200
    token = {"Authorization": "Bearer plain-token-of-ctl-b"}
    assert (await http.get("/api/v1/whoami")).status == 200  # reading is not audited
    assert (await http.post("/api/v1/things/1")).status == 200
    assert (await http.post("/api/v1/things/2?status=399")).status == 399
    assert (await http.post("/api/v1/things/3?status=400", headers=token)).status == 400
    assert (await http.post("/api/v1/things/4?raise=1")).status == 409
    assert (await http.post("/api/v1/things/5?crash=1")).status == 500
    assert (await http.post("/api/v1/nowhere")).status == 404
    assert (await http.post("/api/v1/own")).status == 200
    log = await served.audit_log()
    assert log[0] == {
        "actor": "ctl-a",
        "action": "own_entry",
        "room": "r1",
        "target": "t",
        "ok": False,
        "detail": "d",
        "via": "session",
    }
    assert log[1:-1] == [
        {
            "actor": actor,
            "action": action,
            "room": "",
            "target": target,
            "ok": status < 400,
            "detail": f"status {status}",
            "via": via,
        }
        for actor, action, target, status, via in [
            ("ctl-a", "POST /api/v1/nowhere", "/api/v1/nowhere", 404, "session"),
            ("ctl-a", "POST /api/v1/things/{id}", "/api/v1/things/5", 500, "session"),
            ("ctl-a", "POST /api/v1/things/{id}", "/api/v1/things/4", 409, "session"),
            ("ctl-b", "POST /api/v1/things/{id}", "/api/v1/things/3", 400, "token"),
            ("ctl-a", "POST /api/v1/things/{id}", "/api/v1/things/2", 399, "session"),
            ("ctl-a", "POST /api/v1/things/{id}", "/api/v1/things/1", 200, "session"),
        ]
    ]
    assert log[-1]["action"] == "login"


async def test_an_action_without_a_person_is_recorded_as_anonymous(served: Served) -> None:
    app = web.Application()
    app[ACCESS] = served.access
    request = make_mocked_request("POST", "/api/v1/x", app=app)
    await audit(request, "system_thing", target="x")
    assert request[auth.AUDITED] is True
    [entry] = await served.audit_log()
    assert (entry["actor"], entry["action"], entry["via"]) == ("anonymous", "system_thing", "")
    request[auth.USER] = served.access.directory.get("sup-a")  # type: ignore[assignment]
    assert current_user(request).id == "sup-a"


async def test_each_address_is_counted_apart_and_named_in_the_log(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    http = served.client
    wrong = {"Authorization": "Bearer not-a-token"}
    with caplog.at_level(logging.WARNING, logger="monitor.access.failures"):
        for _ in range(TOKEN_ADDRESS_LIMIT):
            r = await http.get("/api/v1/whoami", headers=wrong | address("10.0.0.1"))
            assert r.status == 401
        r = await http.get("/api/v1/whoami", headers=wrong | address("10.0.0.1"))
        assert r.status == 429
        r = await http.get("/api/v1/whoami", headers=wrong | address("10.0.0.2"))
        assert r.status == 401  # another address is not cut off
        assert caplog.records[0].getMessage() == (
            "auth failure: token unknown token user='' from 10.0.0.1"
        )
        caplog.clear()
        for _ in range(ADDRESS_LIMIT):
            assert (await served.login("ctl-a", "wrong", "10.0.0.3")).status in (401, 429)
        assert (await served.login("ctl-b", remote="10.0.0.3")).status == 429
        assert (await served.login("ctl-b", remote="10.0.0.4")).status == 200
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0] == "auth failure: login bad user or password user='ctl-a' from 10.0.0.3"
    assert "auth failure: login throttled user='ctl-a' from 10.0.0.3" in messages
    assert messages[-1] == "auth failure: login throttled user='ctl-b' from 10.0.0.3"


async def test_wrong_tokens_are_refused_to_the_last_second_of_the_window(
    served: Served,
) -> None:
    http = served.client
    wrong = {"Authorization": "Bearer not-a-token"}
    for _ in range(TOKEN_ADDRESS_LIMIT):
        assert (await http.get("/api/v1/whoami", headers=wrong)).status == 401
    served.throttle_clock.t += WINDOW - 1
    r = await http.get("/api/v1/whoami", headers=wrong)
    assert r.status == 429 and r.headers["Retry-After"] == "2"
    served.throttle_clock.t += 1
    assert (await http.get("/api/v1/whoami", headers=wrong)).status == 401


async def test_a_login_body_may_take_4096_bytes(served: Served) -> None:
    def body(size: int) -> bytes:
        head = b'{"user": "ctl-a", "password": "'
        return head + b"p" * (size - len(head) - 2) + b'"}'

    json_type = {"Content-Type": "application/json"}
    r = await served.client.post("/api/v1/login", data=body(4096), headers=json_type)
    assert r.status == 401  # read, and wrong
    r = await served.client.post("/api/v1/login", data=body(4097), headers=json_type)
    assert r.status == 413


async def test_unknown_names_cannot_push_out_a_known_users_count(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Unknown names are slowed like known ones, in a table of their own that evicts its
    # oldest when full; a known user's count stays however many names are tried.
    monkeypatch.setattr(throttle, "MAX_ADDRESSES", 3)
    for user in ("ctl-a", "ghost-0"):
        for _ in range(USER_FREE):
            assert (await served.login(user, "wrong")).status == 401
    for user in ("ghost-1", "ghost-2", "ghost-3"):
        assert (await served.login(user, "wrong")).status == 401
    assert (await served.login("ctl-a")).status == 429  # still slowed
    assert (await served.login("ghost-0", "wrong")).status == 401  # its count was dropped
