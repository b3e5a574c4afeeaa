"""Restart redis-server under load: the service keeps running, reconnects and reports failures.

The restart test runs on one Redis and on a 3-master Redis Cluster, where the master of
one shard (room-0's) is restarted for less than cluster-node-timeout: no failover, the
same master comes back with its append-only file.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import aiohttp
import pytest
from prometheus_client import CollectorRegistry

from alerts.store.keys import KeyLayout
from config.loader import load_config_text
from monitor.app import build_service
from monitor.events import parse_event
from tests.cluster.support import cluster_yaml
from tests.faults.backends import Backend
from tests.redis_cluster import RedisClusterNodes
from tests.redis_server import RedisServer
from tests.support import running, wait_for

TOKEN = {"Authorization": "Bearer ingest-token-123456"}

pytestmark = pytest.mark.slow


@dataclass
class Restartable:
    """A backend and the redis-server to restart in it (the single one, or a shard master)."""

    backend: Backend
    server: RedisServer


@pytest.fixture(params=["redis", "redis-cluster"])
def restartable(
    request: pytest.FixtureRequest, redis_factory: Callable[..., RedisServer]
) -> Iterator[Restartable]:
    if request.param == "redis":
        server = redis_factory(appendonly=True)
        yield Restartable(Backend(url=server.url), server)
        return
    nodes = RedisClusterNodes(masters=3, appendonly=True)
    try:
        nodes.start()
        shard = nodes.master_of(KeyLayout("rw").stream("room-0"))
        yield Restartable(Backend.of_cluster(nodes), shard)
    finally:
        nodes.close()


def metric(text: str, name: str) -> float:
    """Sum every sample of a metric family in a /metrics page."""
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name) and not line.startswith("#"):
            total += float(line.rsplit(" ", 1)[1])
    return total


async def test_cluster_instance_rides_out_a_redis_restart_without_losing_events(
    restartable: Restartable, caplog: pytest.LogCaptureFixture
) -> None:
    server = restartable.server
    backend = restartable.backend
    config = load_config_text(backend.yaml(rooms=4, instance_id="solo"))
    service = build_service(config, registry=CollectorRegistry())
    caplog.set_level(logging.WARNING)
    accepted: list[str] = []
    statuses: Counter[int] = Counter()
    health: Counter[int] = Counter()
    ready: Counter[int] = Counter()
    stop_load = asyncio.Event()
    async with running(service) as base, aiohttp.ClientSession() as http:

        async def load() -> None:
            n = 0
            while not stop_load.is_set():
                batch = [
                    {"kind": "comment", "room": f"room-{i % 4}", "id": f"e{n + i}", "text": "探针"}
                    for i in range(20)
                ]
                async with http.post(f"{base}/api/v1/ingest", json=batch, headers=TOKEN) as r:
                    statuses[r.status] += 1
                    if r.status == 200:
                        accepted.extend(e["id"] for e in batch)
                n += 20
                await asyncio.sleep(0.01)

        async def probe() -> None:
            # Apart from the load: an ingest call may wait out the whole outage (the client
            # retries), and the probes must still see it.
            while not stop_load.is_set():
                async with http.get(f"{base}/healthz") as h:
                    health[h.status] += 1
                async with http.get(f"{base}/readyz") as h:
                    ready[h.status] += 1
                await asyncio.sleep(0.02)

        loader = asyncio.create_task(load())
        prober = asyncio.create_task(probe())
        await wait_for(lambda: len(accepted) >= 400, 15, "load accepted before the restart")
        await asyncio.to_thread(server.restart, down_for=1.5)
        after_restart = len(accepted)
        await wait_for(
            lambda: len(accepted) >= after_restart + 400, 20, "load accepted after the restart"
        )
        stop_load.set()
        await loader
        await prober
        store = backend.store()
        try:

            async def all_processed() -> bool:
                items = await store.read_feed(0, limit=100_000)
                return {i.data["event_id"] for i in items if i.type == "flag"} >= set(accepted)

            await wait_for(all_processed, 20, "every accepted event to be processed")
        finally:
            await store.close()
        async with http.get(f"{base}/metrics") as r:
            page = await r.text()
    # The service never failed a request: ingest accepted (buffered) or asked for a retry.
    assert set(statuses) <= {200, 503}, statuses
    assert set(health) == {200}, health
    assert ready[503] > 0 and ready[200] > 0, ready  # not ready while Redis was down
    assert metric(page, "roomwatch_cluster_redis_errors_total") > 0
    assert any("redis" in r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)
    assert len(accepted) > 500


async def test_processing_counts_and_logs_what_it_could_not_write(
    redis_factory: Callable[..., RedisServer], caplog: pytest.LogCaptureFixture
) -> None:
    server = redis_factory()
    config = load_config_text(cluster_yaml(server.url, rooms=2, cluster=False))
    service = build_service(config, registry=CollectorRegistry())
    caplog.set_level(logging.WARNING)

    async def process(event: object) -> None:
        # As the stream consumer hands an event it read to the pipeline: processing writes
        # flags and alerts to the store, which is down for the first five.
        await service.pipeline.submit(event, lambda error: None)  # type: ignore[arg-type]

    def comment(n: int) -> object:
        return parse_event({"kind": "comment", "room": "room-0", "id": f"x{n}", "text": "加我微信"})

    async with running(service) as base, aiohttp.ClientSession() as http:
        await asyncio.to_thread(server.kill)
        for n in range(5):
            await process(comment(n))
        await service.pipeline.drain(10)
        async with http.get(f"{base}/healthz") as r:
            assert r.status == 200
        async with http.get(f"{base}/metrics") as r:
            page = await r.text()
        assert metric(page, "roomwatch_store_errors_total") >= 5
        assert any("could not" in r.getMessage() for r in caplog.records)
        assert any("x0" in r.getMessage() for r in caplog.records)  # which event failed
        await asyncio.to_thread(server.start)
        for n in range(5, 10):
            await process(comment(n))
        await service.pipeline.drain(10)
        alerts = await service.store.list_alerts()
        assert len(alerts) == 1 and {c.event_id for c in alerts[0].comments} >= {"x7", "x8", "x9"}
