"""Authentication for every HTTP and feed endpoint: session cookies and bearer tokens.

Open without credentials: /healthz, /readyz (probes), the login page and its assets,
/metrics when server.metrics_public, and endpoints that check their own credentials
(the ingest endpoint's source token, signed platform callbacks). Everything else needs a
session or a token. Operator endpoints need a role (ROLE_RULES), and every state-changing
request of an authenticated person lands in the audit log: handlers record their own
detailed entry, the middleware records the others. Failed logins and tokens never do
(monitor/access/failures.py counts and logs them), so strangers cannot flush the log.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

from monitor.access.audit import AuditLog
from monitor.access.directory import Directory, Person
from monitor.access.failures import AuthFailures
from monitor.access.sessions import SessionStore
from monitor.access.throttle import TOKEN_ADDRESS_LIMIT, Throttle, address_key
from monitor.web.keys import SERVICE
from monitor.web.util import error_response, json_response, read_json

log = logging.getLogger(__name__)

COOKIE = "rw_session"
OPEN_PATHS = frozenset({"/healthz", "/readyz", "/login", "/api/v1/login", "/favicon.ico"})
OPEN_PREFIXES = ("/static/",)
SELF_AUTH_PREFIXES = ["/api/v1/ingest", "/api/v1/callbacks/"]
# (path prefix, methods or None for all, roles allowed): operator endpoints of other modules.
ROLE_RULES: list[tuple[str, frozenset[str] | None, tuple[str, ...]]] = [
    ("/api/v1/dead-letters", None, ("admin",)),
    ("/api/v1/silences", frozenset({"POST", "PUT", "DELETE"}), ("supervisor", "admin")),
]
MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_TOKEN_FAILURES = TOKEN_ADDRESS_LIMIT


@dataclass
class Access:
    """The people directory, sessions, audit log and failure throttle the handlers share."""

    directory: Directory
    sessions: SessionStore
    audit: AuditLog
    failures: AuthFailures
    self_auth: frozenset[str] = frozenset()  # exact paths that check their own credentials
    throttle: Throttle = field(default_factory=Throttle)


ACCESS = web.AppKey("access", Access)
USER = web.RequestKey("user", Person)
AUTH_VIA = web.RequestKey("auth_via", str)
CREDENTIAL = web.RequestKey("credential", str)  # the session's store key, or the token
AUDITED = web.RequestKey("audited", bool)


async def audit(
    request: web.Request,
    action: str,
    *,
    room: str = "",
    target: str = "",
    ok: bool = True,
    detail: str = "",
) -> None:
    """Record an action of the current user (handlers call this; the middleware skips them)."""
    request[AUDITED] = True
    user = request.get(USER)
    await request.app[ACCESS].audit.record(
        user.id if user else "anonymous",
        action,
        room=room,
        target=target,
        ok=ok,
        detail=detail,
        via=request.get(AUTH_VIA, ""),
    )


def current_user(request: web.Request) -> Person:
    """Return the authenticated person (the middleware guarantees one on protected routes)."""
    return request[USER]


def require_room(request: web.Request, room: str) -> None:
    """Raise 403 unless the current user may see and act on the room."""
    access = request.app[ACCESS]
    if not access.directory.may_see(current_user(request), room):
        raise web.HTTPForbidden(
            text='{"error": "room: not one of your rooms"}', content_type="application/json"
        )


def require_role(request: web.Request, *roles: str) -> Person:
    """Return the current user, or raise 403 when their role is not one of `roles`."""
    user = current_user(request)
    if user.role not in roles:
        raise web.HTTPForbidden(
            text=f'{{"error": "role: needs {" or ".join(roles)}"}}',
            content_type="application/json",
        )
    return user


def self_authenticating(request: web.Request) -> bool:
    """Return True for endpoints that check their own credentials (machine traffic)."""
    path = request.path
    return path in request.app[ACCESS].self_auth or any(
        path.startswith(p) for p in SELF_AUTH_PREFIXES
    )


def _is_open(request: web.Request) -> bool:
    path = request.path
    if path in OPEN_PATHS or path.startswith(OPEN_PREFIXES):
        return True
    if path == "/metrics":
        # With a metrics token the handler checks it; else public, or a login like any page.
        server = request.app[SERVICE].config.server
        return bool(server.metrics_public or server.metrics_token)
    return self_authenticating(request)


class TokenThrottled(Exception):
    """Too many wrong bearer tokens from one address."""

    def __init__(self, wait: float) -> None:
        super().__init__(wait)
        self.wait = wait


def client_address(request: web.Request) -> str:
    """Return the throttle key of the client (behind trusted proxies: the forwarded one)."""
    return address_key(request.remote)


async def _authenticate(request: web.Request, access: Access) -> tuple[Person, str, str] | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        # Wrong tokens are counted per address: guessing (at most one hash check a guess,
        # found by the token's id) is cut off after TOKEN_ADDRESS_LIMIT in the window.
        address = client_address(request)
        key = f"token|{address}"
        if (wait := access.throttle.address_wait(key, TOKEN_ADDRESS_LIMIT)) > 0:
            raise TokenThrottled(wait)
        token = header[7:].strip()
        person = await access.directory.check_token(token)
        if person is None:
            access.throttle.failed(key)
            access.failures.record("token", "unknown token", address=address)
        return (person, "token", token) if person else None
    sid = request.cookies.get(COOKIE)
    if sid:
        session = await access.sessions.lookup(sid)
        if session is not None and (person := access.directory.get(session.user)):
            return person, "session", access.sessions.key(sid)
    return None


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if _is_open(request):
        return await handler(request)
    try:
        found = await _authenticate(request, request.app[ACCESS])
    except TokenThrottled as exc:
        refused = error_response(
            429, "too many wrong tokens from this address: try again in a few minutes"
        )
        refused.headers["Retry-After"] = str(int(exc.wait) + 1)
        return refused
    if found is None:
        if request.path == "/" or (request.method == "GET" and request.path.endswith(".html")):
            raise web.HTTPFound("/login")
        return error_response(401, "authentication required: log in or send a bearer token")
    person, via, request[CREDENTIAL] = found
    request[USER], request[AUTH_VIA] = person, via
    for prefix, methods, roles in ROLE_RULES:
        if request.path.startswith(prefix) and (methods is None or request.method in methods):
            require_role(request, *roles)
    if request.method not in MUTATING:
        return await handler(request)
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        if not request.get(AUDITED):
            resource = request.match_info.route.resource
            pattern = resource.canonical if resource is not None else request.path
            await request.app[ACCESS].audit.record(
                person.id,
                f"{request.method} {pattern}",
                target=request.path,
                ok=status < 400,
                detail=f"status {status}",
                via=via,
            )


async def login(request: web.Request) -> web.Response:
    access = request.app[ACCESS]
    body = await read_json(request, max_bytes=4096)
    user_id, password = body.get("user"), body.get("password")
    if not isinstance(user_id, str) or not user_id:
        return error_response(400, "user: required")
    if not isinstance(password, str) or not password:
        return error_response(400, "password: required")
    address = client_address(request)
    # The address first: a stranger guessing is stopped before the user is even slowed.
    wait = access.throttle.address_wait(f"login|{address}")
    if wait == 0 and (wait := access.throttle.user_wait(user_id[:64])) > 0:
        access.throttle.failed(f"login|{address}")  # held against the address, not the user
    if wait > 0:
        access.failures.record("login", "throttled", user=user_id, address=address)
        refused = error_response(429, "too many failed logins: wait a few seconds")
        refused.headers["Retry-After"] = str(int(wait) + 1)
        return refused
    person = await access.directory.check_password(user_id, password)
    if person is None:
        known = access.directory.get(user_id) is not None
        access.throttle.failed(f"login|{address}", user_id[:64], known=known)
        access.failures.record("login", "bad user or password", user=user_id, address=address)
        return error_response(401, "wrong user or password")
    access.throttle.succeeded(person.id)
    sid = await access.sessions.create(person.id)
    request[USER], request[AUTH_VIA] = person, "password"
    await audit(request, "login")
    resp = json_response(_me(access, person))
    resp.set_cookie(
        COOKIE,
        sid,
        httponly=True,
        samesite="Strict",
        secure=request.secure or request.app[SERVICE].config.server.secure_cookies,
        max_age=int(access.sessions.ttl),
        path="/",
    )
    return resp


async def logout(request: web.Request) -> web.Response:
    access = request.app[ACCESS]
    if sid := request.cookies.get(COOKIE):
        await access.sessions.end(sid)
    await audit(request, "logout")
    resp = json_response({"ok": True})
    resp.del_cookie(COOKIE, path="/")
    return resp


async def me(request: web.Request) -> web.Response:
    return json_response(_me(request.app[ACCESS], current_user(request)))


def _me(access: Access, person: Person) -> dict[str, object]:
    info = person.public()
    info["visible_rooms"] = access.directory.visible_rooms(person)
    return info


def register(app: web.Application) -> None:
    app.router.add_post("/api/v1/login", login)
    app.router.add_post("/api/v1/logout", logout)
    app.router.add_get("/api/v1/me", me)
