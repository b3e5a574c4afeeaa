"""One instance on the Redis store (no cluster section): what ingest answered 200 survives.

An event answered 200 is in its room's input stream before the answer, so a kill -9 with
a backlog, and a Redis crash, lose nothing that was accepted; while Redis is down ingest
answers 503, never 200.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client import CollectorRegistry

from alerts.store.redis import RedisStore
from config.loader import load_config, load_config_text
from monitor.app import build_service
from tests.cluster.support import cluster_yaml
from tests.detect_support import compile_once
from tests.faults.backends import Backend
from tests.faults.instances import Instance
from tests.redis_server import RedisServer
from tests.support import running, wait_for, wait_while_progressing

TOKEN = {"Authorization": "Bearer ingest-token-123456"}
ROOMS = 4

# The backlog drains at whatever speed the machine allows; a stall, not a clock, fails.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def single_instance_yaml(redis_url: str) -> str:
    """The production example's shape: Redis store, no cluster section turned on."""
    return cluster_yaml(redis_url, rooms=ROOMS, cluster=False, lease_ttl=1.0)


def batch(first: int, size: int) -> list[dict[str, object]]:
    # "探针" is flagged by a category no plan counts: one traceable feed item per event.
    return [
        {"kind": "comment", "room": f"room-{n % ROOMS}", "id": f"e{n}", "text": f"探针 {n}"}
        for n in range(first, first + size)
    ]


async def post(
    http: aiohttp.ClientSession, base: str, events: list[dict[str, object]]
) -> tuple[int, list[str]]:
    """Post a batch; return the status and the ids the answer says were accepted."""
    async with http.post(f"{base}/api/v1/ingest", json=events, headers=TOKEN) as r:
        body = await r.json()
        taken = int(body.get("accepted", 0)) if r.status in (200, 503) else 0
        return r.status, [str(e["id"]) for e in events[:taken]]


async def processed_ids(store: RedisStore) -> set[str]:
    items = await store.read_feed(0, limit=1_000_000)
    return {str(i.data["event_id"]) for i in items if i.type == "flag"}


async def test_kill_9_with_a_backlog_loses_no_accepted_event(
    backend: Backend, tmp_path: Path
) -> None:
    # On one Redis and on a 3-master Redis Cluster (tests/faults/conftest.py).
    config = backend.yaml(rooms=ROOMS, cluster=False, lease_ttl=1.0)
    first = Instance(config, tmp_path, "first")
    store = backend.store()
    accepted: list[str] = []
    statuses: Counter[int] = Counter()
    second: Instance | None = None
    try:
        first.start()
        await asyncio.to_thread(first.wait_healthy)
        async with aiohttp.ClientSession() as http:

            async def producer(k: int) -> None:
                for b in range(6):
                    status, ids = await post(http, first.url, batch((k * 6 + b) * 500, 500))
                    statuses[status] += 1
                    accepted.extend(ids)

            # Four producers post 12,000 events far faster than one instance processes them.
            await asyncio.gather(*(producer(k) for k in range(4)))
        await asyncio.to_thread(first.kill)
        done_before = await processed_ids(store)
        backlog = len(set(accepted) - done_before)
        assert backlog > 1_000, f"the test needs a backlog at the kill, had {backlog}"

        second = Instance(config, tmp_path, "second")
        second.start()
        await asyncio.to_thread(second.wait_healthy)

        async def unprocessed() -> int:
            return len(set(accepted) - await processed_ids(store))

        try:
            # A loaded machine drains the backlog slowly; a lost event never drains.
            await wait_while_progressing(unprocessed, stall=30, within=240, what="backlog")
        except AssertionError:
            missing = set(accepted) - await processed_ids(store)
            raise AssertionError(
                f"{len(missing)} of {len(accepted)} accepted events were lost "
                f"(first {sorted(missing)[:5]})\n{second.log()[-3000:]}"
            ) from None
        print(
            f"accepted {len(accepted)} ({dict(statuses)}), {backlog} unprocessed at the kill, "
            f"0 lost"
        )
        assert len(accepted) >= 6_000
    finally:
        for inst in (first, second):
            if inst is not None:
                await asyncio.to_thread(inst.stop)
        await store.close()


async def test_redis_crash_answers_503_and_loses_no_accepted_event(
    redis_factory: Callable[..., RedisServer],
) -> None:
    # appendfsync always: what Redis acknowledged is on disk, so its SIGKILL loses nothing.
    server = redis_factory(appendonly=True, appendfsync="always")
    service = build_service(
        load_config_text(single_instance_yaml(server.url)), registry=CollectorRegistry()
    )
    accepted: list[str] = []
    during: Counter[int] = Counter()
    statuses: Counter[int] = Counter()
    redis_down = asyncio.Event()
    stop_load = asyncio.Event()
    async with running(service) as base, aiohttp.ClientSession() as http:

        async def load() -> None:
            n = 0
            while not stop_load.is_set():
                down = redis_down.is_set()
                status, ids = await post(http, base, batch(n, 40))
                statuses[status] += 1
                if down and redis_down.is_set():
                    during[status] += 1
                    assert status != 200, "ingest answered 200 while Redis was down"
                accepted.extend(ids)
                n += 40
                await asyncio.sleep(0.005)

        loader = asyncio.create_task(load())
        # Phases end on what happened in them, not after a while: accepted batches before
        # the kill, refused ones while Redis is down, accepted ones again after the restart.
        await wait_for(lambda: len(accepted) >= 600, 30, "batches accepted before the kill")
        await asyncio.to_thread(server.kill)
        redis_down.set()
        await wait_for(lambda: sum(during.values()) >= 20, 30, "answers while Redis is down")
        redis_down.clear()
        await asyncio.to_thread(server.start)
        before = len(accepted)
        await wait_for(lambda: len(accepted) >= before + 600, 30, "batches accepted again")
        stop_load.set()
        await loader
        store = RedisStore.from_url(server.url, prefix="rw")
        try:

            async def unprocessed() -> int:
                return len(set(accepted) - await processed_ids(store))

            try:
                await wait_while_progressing(unprocessed, stall=30, within=240, what="backlog")
            except AssertionError:
                missing = set(accepted) - await processed_ids(store)
                raise AssertionError(
                    f"{len(missing)} of {len(accepted)} accepted events were lost "
                    f"(first {sorted(missing)[:5]})"
                ) from None
        finally:
            await store.close()
    assert during[503] > 0, during  # the outage was seen, and refused
    assert set(statuses) <= {200, 503}, statuses
    assert len(accepted) > 1_000
    print(f"accepted {len(accepted)} ({dict(statuses)}); while down: {dict(during)}; 0 lost")


async def test_the_production_example_takes_events_durably() -> None:
    from tests.test_config import PRODUCTION, PRODUCTION_ENV

    config = load_config(PRODUCTION, env=PRODUCTION_ENV)
    assert config.store.kind == "redis"
    service = build_service(config, registry=CollectorRegistry(), compiler=compile_once)
    try:
        # Ingest and callbacks write to the input streams before they answer (commit), not
        # to this process's queue.
        assert service.cluster is not None
        assert service.pipeline.router is service.cluster.router
    finally:
        await service.store.close()


async def test_an_event_that_failed_on_a_store_error_is_processed_within_seconds(
    redis_factory: Callable[..., RedisServer],
) -> None:
    """A store error leaves the entry pending; it is tried again long before the 30 s claim."""
    from alerts.store.base import StoreError

    server = redis_factory()
    service = build_service(
        load_config_text(single_instance_yaml(server.url)), registry=CollectorRegistry()
    )
    failures = 0
    real_append = service.store.append_feed

    async def flaky_append(*args: Any, **kwargs: Any) -> Any:
        nonlocal failures
        if failures < 6:
            failures += 1
            raise StoreError("connection reset (injected)")
        return await real_append(*args, **kwargs)

    service.store.append_feed = flaky_append  # type: ignore[method-assign]
    events = batch(0, 12)
    async with running(service) as base, aiohttp.ClientSession() as http:
        status, ids = await post(http, base, events)
        assert status == 200 and len(ids) == 12
        store = RedisStore.from_url(server.url, prefix="rw")
        try:

            async def all_processed() -> bool:
                return await processed_ids(store) >= set(ids)

            # Well inside the 30 s after which any pending entry is claimed again.
            await wait_for(all_processed, 12, "the failed events to be tried again")
        finally:
            await store.close()
    assert failures == 6
