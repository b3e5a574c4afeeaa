"""Every Grafana panel query returns data from a real Prometheus scraping a running demo.

The demo runs with a fast simulator, plans whose ack deadline is 2 s, and an escalation
ladder that notifies a real local webhook receiver and a dead one (retries exhausted ->
dead letter). The test drives one alert through the API (ack after it escalated, a
flagged comment handled, resolve) and posts a half-bad ingest batch, so that response
times, escalations, notifications, failures, transitions and rejections all exist.
Then each panel's PromQL, with the template variables substituted, must return at least
one sample that is a number.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from tests.demo_service import RunningService, fast_demo_config, running_service
from tests.prometheus_server import Prometheus, free_port, prometheus_scraping
from tests.support import wait_for

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from gen_dashboard import CLUSTER_ROW

pytestmark = [pytest.mark.prometheus, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
DASHBOARD = ROOT / "config" / "grafana" / "dashboards" / "roomwatch.json"
INGEST_TOKEN = "demo-ingest-token"
LADDER = {
    "default_ladder": "default",
    "ladders": [
        {
            "id": "default",
            "levels": [{"after": 0, "notify": ["ops-webhook", "dead-hook"]}],
            "at_once": ["critical"],
            "repeat": {"every": 3600, "max_times": 0},
        }
    ],
}
SCENARIO_HAPPENED = (
    "sum(roomwatch_escalations_total) > 0",
    'sum(roomwatch_notifications_total{notifier="ops-webhook"}) > 0',
    'sum(roomwatch_notification_failures_total{notifier="dead-hook"}) > 0',
    "roomwatch_dead_letters > 0",
    'sum(roomwatch_alert_transitions_total{action="acknowledged"}) > 0',
    'sum(roomwatch_alert_transitions_total{action="resolved"}) > 0',
    'sum(roomwatch_events_rejected_total{source="ingest"}) > 0',
    "sum(roomwatch_negative_ratio) >= 0",
)
# What Grafana would put in for its built-in variables at a 1 s scrape interval.
BUILTINS = {"__rate_interval": "30s", "__range": "1h", "__interval": "5s"}


def panel_queries(*, cluster: bool) -> list[tuple[str, str]]:
    """Return (panel title / refId, expr) for every target of every panel.

    The cluster row's panels are included only when the service runs in cluster mode.
    """
    model = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    out: list[tuple[str, str]] = []
    row = ""
    for panel in model["panels"]:
        if panel["type"] == "row":
            row = panel["title"]
        if row == CLUSTER_ROW and not cluster:
            continue
        for target in panel.get("targets", []):
            out.append((f"{panel['title']} / {target['refId']}", target["expr"]))
    return out


def substitute(expr: str, variables: dict[str, str]) -> str:
    """Replace $name and ${name} the way Grafana does for a single-value variable."""

    def repl(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(2)
        if name not in variables:
            raise AssertionError(f"unknown variable ${name} in {expr}")
        return variables[name]

    return re.sub(r"\$\{(\w+)\}|\$(\w+)", repl, expr)


def _has_number(result: list[dict[str, Any]]) -> bool:
    return any(not math.isnan(float(s["value"][1])) for s in result)


async def _login(http: aiohttp.ClientSession, base: str) -> None:
    async with http.post(f"{base}/api/v1/login", json={"user": "demo", "password": "demo"}) as r:
        assert r.status == 200, await r.text()


async def _wait_for_alert(http: aiohttp.ClientSession, base: str) -> dict[str, Any]:
    for _ in range(300):
        async with http.get(f"{base}/api/v1/alerts", params={"state": "firing"}) as r:
            assert r.status == 200, await r.text()
            alerts = (await r.json())["alerts"]
        with_comments = [a for a in alerts if a["comments"]]
        if with_comments:
            return dict(with_comments[0])
        await asyncio.sleep(0.1)
    raise AssertionError("the demo raised no alert with flagged comments")


async def _act(http: aiohttp.ClientSession, base: str, alert_id: str, action: str) -> None:
    async with http.post(f"{base}/api/v1/alerts/{alert_id}/{action}") as r:
        assert r.status == 200, f"{action}: {r.status} {await r.text()}"


@contextlib.asynccontextmanager
async def webhook_receiver() -> AsyncIterator[tuple[str, list[bytes]]]:
    """A real local HTTP receiver that accepts every notification; yields (url, bodies)."""
    bodies: list[bytes] = []

    async def hook(request: web.Request) -> web.Response:
        bodies.append(await request.read())
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/hook", bodies
    finally:
        await runner.cleanup()


async def drive_scenario(
    run: RunningService, http: aiohttp.ClientSession, prom: Prometheus
) -> dict[str, Any]:
    """Take one alert through escalation, ack, a handled comment and resolve."""
    await _login(http, run.base)
    alert = await _wait_for_alert(http, run.base)

    async def escalated() -> bool:
        current = await run.service.store.get_alert(alert["id"])
        return current is not None and current.escalation_level >= 1

    async def zero_scraped() -> bool:
        expr = f'roomwatch_room_time_to_acknowledge_seconds_count{{room="{alert["room"]}"}}'
        return bool(await prom.query(expr))

    # The 2 s ack deadline passes so the ladder escalates, and Prometheus scrapes the alert's
    # zero-valued acknowledgement series, before the controller responds: increase() then
    # sees the step from 0 to 1.
    await wait_for(escalated, 10, "the ladder's first escalation")
    await wait_for(zero_scraped, 10, "a scrape of the zero-valued acknowledgement series")
    await _act(http, run.base, alert["id"], "ack")
    # The simulator keeps grouping comments in (the oldest are trimmed past 200): take a
    # comment the alert holds now, not one from when it was created.
    latest = await run.service.store.get_alert(alert["id"])
    assert latest is not None
    event_id = latest.comments[-1].event_id
    url = f"{run.base}/api/v1/alerts/{alert['id']}/comments/{event_id}"
    async with http.post(url, json={"action": "deleted"}) as r:
        assert r.status == 200, await r.text()
    await _act(http, run.base, alert["id"], "resolve")
    await _answer_a_question(http, run.base, alert["room"])
    batch = b'{"kind": "comment", "room": "room-b", "text": "hi"}\n{"kind": "nope"}\nnot json\n'
    headers = {"Authorization": f"Bearer {INGEST_TOKEN}", "Content-Type": "application/x-ndjson"}
    async with http.post(f"{run.base}/api/v1/ingest", data=batch, headers=headers) as r:
        assert r.status in (200, 207, 400), await r.text()
    return alert


async def _answer_a_question(http: aiohttp.ClientSession, base: str, room: str) -> None:
    """Mark one of the simulator's viewer questions answered (the answer-time panels)."""
    for _ in range(300):
        async with http.get(f"{base}/api/v1/rooms/{room}/questions") as r:
            assert r.status == 200, await r.text()
            questions = (await r.json())["questions"]
        if questions:
            url = f"{base}/api/v1/rooms/{room}/questions/{questions[0]['id']}/answered"
            async with http.post(url) as r:
                assert r.status == 200, await r.text()
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the simulator asked no question in {room}")


async def _check_all(
    prom: Prometheus, variables: dict[str, str], *, cluster: bool
) -> dict[str, str]:
    failing: dict[str, str] = {}
    for title, expr in panel_queries(cluster=cluster):
        query = substitute(expr, variables)
        result = await prom.query(query)
        if not _has_number(result):
            failing[title] = f"{query} -> {result}"
    return failing


@pytest.mark.parametrize("mode", ["memory", "redis-cluster"])
async def test_every_dashboard_query_returns_data(
    tmp_path: Path, mode: str, request: pytest.FixtureRequest
) -> None:
    store: dict[str, Any] | None = None
    if mode == "redis-cluster":
        redis_url: str = request.getfixturevalue("redis_url")
        store = {"kind": "redis", "redis_url": redis_url, "key_prefix": "rwdash"}
    async with webhook_receiver() as (hook_url, received):
        notifiers = [
            {"id": "ops-webhook", "type": "webhook", "url": hook_url, "retry": {"attempts": 2}},
            {
                "id": "dead-hook",
                "type": "webhook",
                "url": f"http://127.0.0.1:{free_port()}/hook",
                "timeout": 1,
                "retry": {"attempts": 1},
            },
        ]
        config = fast_demo_config(
            tmp_path,
            notifiers=notifiers,
            escalation=LADDER,
            ack_deadline=2,
            store=store,
            cluster={"enabled": True, "instance_id": "dash-1"} if store else None,
        )
        await _check_stack(tmp_path, config, cluster=store is not None)
        assert received, "the webhook receiver got no notification"


async def _check_stack(tmp_path: Path, config: Path, *, cluster: bool) -> None:
    async with (
        running_service(config) as run,
        prometheus_scraping(tmp_path, run.base.removeprefix("http://")) as prom,
        aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http,
    ):
        alert = await drive_scenario(run, http, prom)
        rooms = await prom.api("label/room/values", **{"match[]": "roomwatch_negative_ratio"})
        assert sorted(rooms) == ["room-a", "room-b", "room-c"]
        variables = {**BUILTINS, "datasource": "roomwatch-prometheus", "room": alert["room"]}
        failing: dict[str, str] = {}
        for _ in range(40):  # a few scrapes after the scenario, then every query has data
            failing = await _check_all(prom, variables, cluster=cluster)
            if not failing:
                break
            await asyncio.sleep(0.5)
        assert not failing, "panels without data:\n" + "\n".join(
            f"  {k}: {v}" for k, v in failing.items()
        )
        # The scenario really happened, as Prometheus saw it (not only zero-valued series).
        for expr in SCENARIO_HAPPENED:
            result = await prom.query(expr)
            assert result, f"{expr}: no sample > 0"
        async with http.get(f"{run.base}/metrics") as r:
            text = await r.text()
        # One acknowledgement was made: exactly one observation, whoever records it.
        acks = sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith("roomwatch_time_to_acknowledge_seconds_count{")
        )
        assert acks == 1
        groups = (await prom.api("rules"))["groups"]
        rules = [rule for g in groups for rule in g["rules"]]
        assert len(rules) >= 11 and all(rule["health"] == "ok" for rule in rules), rules
        up = await prom.query('up{job="roomwatch"}')
        assert [s["value"][1] for s in up] == ["1"]
        # The shipped rules read the real names: the dead receiver's failures and dead
        # letters put their alerts in Prometheus (pending: their `for` is minutes).
        expected = {"RoomwatchNotificationFailures", "RoomwatchDeadLetters"}
        active: set[str] = set()
        for _ in range(50):
            alerts = (await prom.api("alerts"))["alerts"]
            active = {a["labels"]["alertname"] for a in alerts}
            if expected <= active:
                break
            await asyncio.sleep(0.2)
        assert expected <= active, active
