"""Cross-site requests, security headers, TLS termination and the metrics endpoint's access."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from tests.console.conftest import CONFIG, Running, start

CHROMIUM = "/usr/bin/chromium"


async def _started(config: str) -> AsyncIterator[Running]:
    run, stop, task = await start(config)
    try:
        yield run
    finally:
        stop.set()
        await task


async def test_another_origin_cannot_act_with_the_victims_cookie(running: Running) -> None:
    await running.incident("r1")
    [alert] = await running.service.store.list_alerts()
    ack = f"{running.base}/api/v1/alerts/{alert.id}/ack"
    evil = running.base.rsplit(":", 1)[0] + ":1"  # another port of the same host
    async with await running.session("ctl-a") as victim:
        for headers in (
            {"Origin": evil},
            {"Origin": "null"},
            {"Sec-Fetch-Site": "same-site"},  # another port: same site, not same origin
            {"Sec-Fetch-Site": "cross-site"},
        ):
            async with victim.post(ack, json={"note": "x"}, headers=headers) as r:
                assert r.status == 403, headers
                assert (await r.json())["error"].startswith("origin:")
        # A text/plain "simple request" needs no CORS preflight: refused by its type.
        async with victim.post(
            ack,
            data=b'{"note": "x"}',
            headers={"Content-Type": "text/plain", "Origin": running.base},
        ) as r:
            assert r.status == 415 and (await r.json())["error"].startswith("content-type")
        async with victim.post(f"{running.base}/api/v1/logout", headers={"Origin": evil}) as r:
            assert r.status == 403  # no logging a victim out either
        stored = await running.service.store.get_alert(alert.id)
        assert stored is not None and stored.state.value == "firing"  # untouched
        # The console itself: its own origin, JSON, a browser's same-origin fetch.
        headers = {"Origin": running.base, "Sec-Fetch-Site": "same-origin"}
        async with victim.post(ack, json={"note": "看到了"}, headers=headers) as r:
            assert r.status == 200


async def test_feed_upgrades_from_another_origin_are_refused(running: Running) -> None:
    evil = running.base.rsplit(":", 1)[0] + ":1"
    async with await running.session("ctl-a") as victim:
        url = f"{running.base}/api/v1/feed?after=latest"
        for headers in ({"Origin": evil}, {"Sec-Fetch-Site": "same-site"}):
            with pytest.raises(aiohttp.WSServerHandshakeError) as err:
                await victim.ws_connect(url, headers=headers)
            assert err.value.status == 403
        ws = await victim.ws_connect(url, headers={"Origin": running.base})
        assert (await ws.receive_json(timeout=5))["type"] == "hello"
        await ws.close()


async def test_every_response_carries_the_security_headers(running: Running) -> None:
    async with await running.session("ctl-a") as http:
        for path in ("/", "/login", "/api/v1/me", "/static/console.js", "/nope", "/healthz"):
            async with http.get(f"{running.base}{path}") as r:
                h = r.headers
                assert "frame-ancestors 'none'" in h["Content-Security-Policy"], path
                assert "script-src 'self'" in h["Content-Security-Policy"], path
                assert h["X-Content-Type-Options"] == "nosniff", path
                assert h["Referrer-Policy"] == "same-origin", path
                assert h["Server"] == "roomwatch", path  # no versions
                assert "Strict-Transport-Security" not in h  # plain HTTP here


PROXIED = CONFIG.replace(
    "server: { metrics_public: true }",
    "server: { metrics_public: true, trusted_proxies: [127.0.0.1] }",
)


@pytest.fixture
async def proxied() -> AsyncIterator[Running]:
    async for run in _started(PROXIED):
        yield run


async def test_behind_a_trusted_tls_proxy_cookies_are_secure_and_clients_are_real(
    proxied: Running,
) -> None:
    url = f"{proxied.base}/api/v1/login"
    tls = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.2"}
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json={"user": "ctl-a", "password": "pw-ctl-a"}, headers=tls) as r:
            assert r.status == 200
            cookie = r.headers["Set-Cookie"]
            assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
            assert r.headers["Strict-Transport-Security"].startswith("max-age=")
        # The origin the browser saw is https://<host>: that one is its own.
        origin = {"Origin": "https://" + proxied.base.split("://")[1]}
        async with http.post(f"{proxied.base}/api/v1/logout", headers=tls | origin) as r:
            assert r.status == 401  # past the origin check (no session here): not 403
        # A stranger guesses at ctl-b from one address until that address is refused ...
        stranger = {"X-Forwarded-For": "203.0.113.5, 10.9.9.9"}  # the nearest hop counts
        statuses = []
        for _ in range(25):
            body = {"user": "ctl-b", "password": "guess"}
            async with http.post(url, json=body, headers=stranger) as r:
                statuses.append(r.status)
        assert statuses[:5] == [401] * 5 and statuses[-1] == 429
        # ... while ctl-b, from their own address, is at most slowed a moment: never locked.
        own = {"X-Forwarded-For": "198.51.100.77"}
        body = {"user": "ctl-b", "password": "pw-ctl-b"}
        async with http.post(url, json=body, headers=own) as r:
            status, retry = r.status, int(r.headers.get("Retry-After", "0"))
        if status == 429:
            assert retry <= 2
            await asyncio.sleep(retry)
            async with http.post(url, json=body, headers=own) as r:
                status = r.status
        assert status == 200


async def test_forwarded_headers_from_untrusted_clients_are_ignored(running: Running) -> None:
    url = f"{running.base}/api/v1/login"
    tls = {"X-Forwarded-Proto": "https"}
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json={"user": "ctl-a", "password": "pw-ctl-a"}, headers=tls) as r:
            assert r.status == 200 and "Secure" not in r.headers["Set-Cookie"]
        for i in range(25):  # a fresh X-Forwarded-For each time does not reset the count
            spoof = {"X-Forwarded-For": f"192.0.2.{i}"}
            async with http.post(url, json={"user": f"x{i}", "password": "g"}, headers=spoof) as r:
                last = r.status
        assert last == 429


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_metrics_behind_a_token_and_on_their_own_address() -> None:
    port = _free_port()
    config = CONFIG.replace(
        "server: { metrics_public: true }",
        f"server: {{ metrics_public: false, metrics_token: s3cret-scrape, "
        f"metrics_listen: '127.0.0.1:{port}' }}",
    )
    async for run in _started(config):
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{run.base}/metrics") as r:
                assert r.status in (401, 404)  # not on the main port at all
            async with await run.session("boss") as admin, admin.get(f"{run.base}/metrics") as r:
                assert r.status == 404
            metrics = f"http://127.0.0.1:{port}/metrics"
            async with http.get(metrics) as r:
                assert r.status == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")
            bad = {"Authorization": "Bearer wrong"}
            async with http.get(metrics, headers=bad) as r:
                assert r.status == 401
            good = {"Authorization": "Bearer s3cret-scrape"}
            async with http.get(metrics, headers=good) as r:
                assert r.status == 200 and "roomwatch_build_info" in await r.text()
    config = CONFIG.replace(
        "server: { metrics_public: true }", "server: { metrics_token: s3cret-scrape }"
    )
    async for run in _started(config):
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{run.base}/metrics") as r:
                assert r.status == 401  # public by default, but the token is asked for
            good = {"Authorization": "Bearer s3cret-scrape"}
            async with http.get(f"{run.base}/metrics", headers=good) as r:
                assert r.status == 200


EVIL_PAGE = """<!doctype html><html><body><script>
window.results = {};
(async () => {
  try {
    const r = await fetch(TARGET + '/api/v1/alerts/ALERT/ack', {method: 'POST',
      credentials: 'include', mode: 'no-cors', headers: {'Content-Type': 'text/plain'},
      body: '{"note": "pwned"}'});
    window.results.post = 'sent';
  } catch (e) { window.results.post = 'error'; }
  const ws = new WebSocket(TARGET.replace('http', 'ws') + '/api/v1/feed?after=0');
  ws.onmessage = m => { window.results.feed = 'read'; };
  ws.onerror = () => { window.results.feed = window.results.feed || 'refused'; };
  ws.onclose = () => { window.results.feed = window.results.feed || 'refused'; };
})();
</script></body></html>"""


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")
async def test_a_page_on_another_port_cannot_act_or_read_the_feed_in_chromium(
    running: Running,
) -> None:
    from playwright.async_api import async_playwright

    await running.incident("r1")
    [alert] = await running.service.store.list_alerts()
    page_html = EVIL_PAGE.replace("TARGET", repr(running.base)).replace("ALERT", alert.id)

    async def evil(request: web.Request) -> web.Response:
        return web.Response(text=page_html, content_type="text/html")

    app = web.Application()
    app.router.add_get("/", evil)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    evil_port = runner.addresses[0][1]
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            page = await browser.new_page()
            await page.goto(f"{running.base}/login")
            await page.fill("#user", "ctl-a")
            await page.fill("#password", "pw-ctl-a")
            await page.click("#submit")
            await page.wait_for_url(f"{running.base}/")
            await page.goto(f"http://127.0.0.1:{evil_port}/")
            await page.wait_for_function(
                "window.results && window.results.post && window.results.feed", timeout=10_000
            )
            results = await page.evaluate("window.results")
            await browser.close()
    finally:
        await runner.cleanup()
    assert results["feed"] == "refused"
    stored = await running.service.store.get_alert(alert.id)
    assert stored is not None and stored.state.value == "firing"  # the POST did nothing


async def test_secure_cookies_setting_marks_the_cookie_secure_without_a_proxy() -> None:
    config = CONFIG.replace(
        "server: { metrics_public: true }", "server: { metrics_public: true, secure_cookies: true }"
    )
    async for run in _started(config):
        body = {"user": "ctl-a", "password": "pw-ctl-a"}
        async with (
            aiohttp.ClientSession() as http,
            http.post(f"{run.base}/api/v1/login", json=body) as r,
        ):
            assert r.status == 200 and "Secure" in r.headers["Set-Cookie"]
