"""Login and token answers: how long each kind takes, and what a guessed token costs.

A real server on loopback (memory store) with people whose passwords come from the
environment (plain) and from the config (an argon2id hash). N logins of each kind, each
from a fresh address (through a trusted proxy, so the throttle does not answer instead;
a wrong password is followed by an untimed good login, which clears the user's
failures): unknown user, known user with a wrong password, known user with the right
one. Then N requests with guessed bearer tokens: one naming an existing token id (one
hash check) and one naming none (no hash check). Prints the median and p90 of each;
figures are for this machine only.

Run from the repo root: .venv/bin/python -m bench.bench_login [N]
"""

from __future__ import annotations

import asyncio
import sys
import time

import aiohttp
from prometheus_client import CollectorRegistry

from config.loader import load_config_text
from monitor.access.passwords import hash_secret
from monitor.app import build_service
from tests.support import running

CONFIG = """
server: {trusted_proxies: [127.0.0.1]}
rooms: [{id: r1}]
people:
  users:
    - {id: env-user, password: "${PW}", rooms: [r1]}
    - {id: hashed-user, password: "HASH", rooms: [r1]}
    - {id: boss, role: admin, password: "${PW}"}
"""


def _pct(xs: list[float], q: float) -> str:
    xs = sorted(xs)
    return f"{xs[min(len(xs) - 1, int(q * len(xs)))] * 1000:.1f} ms"


async def _time(
    http: aiohttp.ClientSession,
    method: str,
    url: str,
    n: int,
    body: dict[str, str] | None = None,
    auth: str = "",
) -> tuple[list[float], set[int]]:
    took: list[float] = []
    statuses: set[int] = set()
    for i in range(n):
        headers = {"X-Forwarded-For": f"10.1.{i // 250}.{i % 250 + 1}"}
        if auth:
            headers["Authorization"] = auth
        sent = body
        if body is not None and body["user"] == "nobody":
            sent = {**body, "user": f"nobody-{i}"}  # a fresh name: never the throttle's answer
        t = time.perf_counter()
        async with http.request(method, url, headers=headers, json=sent) as r:
            await r.read()
            statuses.add(r.status)
        took.append(time.perf_counter() - t)
        if body is not None and body["user"] == "hashed-user":
            # A good login clears the user's failures, so every timed answer is a real check.
            good = {"user": "hashed-user", "password": "hashed-pass"}
            async with http.post(url, json=good, headers=headers) as r:
                await r.read()
    return took, statuses


async def main(n: int) -> None:
    config = load_config_text(
        CONFIG.replace("HASH", hash_secret("hashed-pass")), env={"PW": "env-pass"}
    )
    service = build_service(config, registry=CollectorRegistry())
    jar = aiohttp.CookieJar(unsafe=True)  # keep the cookie of a 127.0.0.1 server
    async with running(service) as base, aiohttp.ClientSession(cookie_jar=jar) as http:
        login = f"{base}/api/v1/login"
        async with http.post(login, json={"user": "boss", "password": "env-pass"}) as r:
            assert r.status == 200
        async with http.post(f"{base}/api/v1/people/boss/tokens") as r:
            token = (await r.json())["token"]
        token_id = token.split(".")[1]
        cases = [
            ("unknown user", {"user": "nobody", "password": "x"}),
            ("known, wrong password", {"user": "hashed-user", "password": "wrong"}),
            ("known, right (hash in config)", {"user": "hashed-user", "password": "hashed-pass"}),
            ("known, right (plain from ${ENV})", {"user": "env-user", "password": "env-pass"}),
        ]
        print(f"{n} logins each (argon2id t=3 m=64MiB p=4), off the event loop:")
        for name, body in cases:
            took, statuses = await _time(http, "POST", login, n, body)
            print(
                f"  {name:34s} median {_pct(took, 0.5)}  p90 {_pct(took, 0.9)}  "
                f"status {sorted(statuses)}"
            )
        me = f"{base}/api/v1/me"
        for name, guess in (
            ("token guess naming a real id", f"rw2.{token_id}.guessed"),
            ("token guess naming no id", "rw2.0123456789abcdef.guessed"),
        ):
            took, statuses = await _time(http, "GET", me, n, auth=f"Bearer {guess}")
            print(
                f"  {name:34s} median {_pct(took, 0.5)}  p90 {_pct(took, 0.9)}  "
                f"status {sorted(statuses)}"
            )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20))
