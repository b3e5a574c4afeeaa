"""Cross-site defences and TLS termination: run before authentication on every request.

- Behind `server.trusted_proxies`, the client address, scheme and host come from the
  proxy's X-Forwarded-For/-Proto/-Host (anyone else's are ignored), so throttling counts
  the real client and `request.secure` tells whether the browser used HTTPS.
- A state-changing request or a WebSocket upgrade from a browser must come from this
  service's own origin (or `server.allowed_origins`): the Origin header decides, else
  Sec-Fetch-Site must be same-origin or none. Clients that send neither (scripts, curl)
  are not browsers carrying someone's cookie, and pass.
- A state-changing request with a body must say Content-Type: application/json: an HTML
  form or a `text/plain` fetch from another site cannot produce one without CORS.
- Every response carries a CSP with frame-ancestors, nosniff, a Referrer-Policy, and a
  Server header without versions.
Endpoints with their own credentials (ingest tokens, signed callbacks) are machine traffic
and skip the origin and content-type checks.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import hdrs, web

from config.schema import ServerConfig
from monitor.web.util import error_response

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Server": "roomwatch",
}
FETCH_SITES_ALLOWED = frozenset({"same-origin", "none"})


@dataclass(frozen=True)
class Guard:
    """The settings the guard middleware applies (from `server:`)."""

    proxies: tuple[Network, ...]
    origins: frozenset[str]
    machine_paths: Callable[[web.Request], bool]

    @classmethod
    def from_config(
        cls, server: ServerConfig, machine_paths: Callable[[web.Request], bool]
    ) -> Guard:
        return cls(
            tuple(ipaddress.ip_network(p, strict=False) for p in server.trusted_proxies),
            frozenset(o.lower().rstrip("/") for o in server.allowed_origins),
            machine_paths,
        )

    def trusted(self, remote: str | None) -> bool:
        if not remote or not self.proxies:
            return False
        try:
            ip = ipaddress.ip_address(remote)
        except ValueError:
            return False
        return any(ip in net for net in self.proxies)

    def forwarded(self, request: web.Request) -> web.Request:
        """Return the request as the client made it, when a trusted proxy says so."""
        if not self.trusted(request.remote):
            return request
        changes: dict[str, str] = {}
        hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",")]
        # The nearest address no trusted proxy owns is the client (the rest can be forged).
        for hop in reversed([h for h in hops if h]):
            if not self.trusted(hop):
                changes["remote"] = hop
                break
        proto = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
        if proto in ("http", "https"):
            changes["scheme"] = proto
        host = request.headers.get("X-Forwarded-Host", "").split(",")[0].strip()
        if host:
            changes["host"] = host
        return request.clone(**changes) if changes else request  # type: ignore[arg-type]

    def cross_site(self, request: web.Request) -> str:
        """Return why a browser request comes from another site ("" when it does not)."""
        origin = request.headers.get(hdrs.ORIGIN)
        if origin is not None:
            own = f"{request.scheme}://{request.host}".lower()
            if origin.lower() == own or origin.lower() in self.origins:
                return ""
            return f"origin: {origin[:100]!r} is not this service's origin"
        site = request.headers.get("Sec-Fetch-Site")
        if site is not None and site not in FETCH_SITES_ALLOWED:
            return f"origin: a {site[:20]} request (Sec-Fetch-Site)"
        return ""


GUARD = web.AppKey("guard", Guard)


def _is_json(request: web.Request) -> bool:
    mime = request.content_type.lower()
    return mime == "application/json" or (
        mime.startswith("application/") and mime.endswith("+json")
    )


@web.middleware
async def guard_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    guard = request.app[GUARD]
    request = guard.forwarded(request)
    upgrade = request.headers.get(hdrs.UPGRADE, "").lower() == "websocket"
    checked = (request.method in MUTATING or upgrade) and not guard.machine_paths(request)
    if checked and (reason := guard.cross_site(request)):
        return error_response(403, f"{reason}: cross-site requests are refused")
    response = await handler(request)
    if request.secure and not response.prepared:
        # Here, not in add_security_headers: that one sees the request before forwarding.
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


@web.middleware
async def json_body_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse a state-changing body that is not JSON (after authentication: 401 first)."""
    if (
        request.method in MUTATING
        and request.body_exists
        and not _is_json(request)
        and not request.app[GUARD].machine_paths(request)
    ):
        return error_response(415, "content-type: must be application/json")
    return await handler(request)


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Set the security headers on every response (a handler's own CSP is kept)."""
    for name, value in SECURITY_HEADERS.items():
        if name == "Server" or name not in response.headers:
            response.headers[name] = value
    if request.secure:  # TLS straight to roomwatch
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
