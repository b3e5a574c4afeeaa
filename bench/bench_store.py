"""CPU per Redis command and per grouped flagged comment, against a private redis-server.

Compares redis-py's asyncio client with the store's own pipelined client
(alerts/store/resp.py) on the same commands, one at a time and many in flight, then
times the alert manager grouping one flagged comment into an open alert of 200 (the
store's compare-and-set write and the console feed item), with the memory and Redis
stores. Figures are CPU microseconds of this process (time.process_time); redis-server
runs in its own process. Nothing here asserts a speed.

  .venv/bin/python -m bench.bench_store [--commands 5000] [--groupings 2000] [--cluster]

`--cluster` also measures redis-py's `RedisCluster` (slot routing, MOVED/ASK handling) on a
local 3-master Redis Cluster, the client the store would use there if not its own.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable

import redis.asyncio as aioredis
from prometheus_client import CollectorRegistry

from alerts.clock import ManualClock
from alerts.manager import AlertManager
from alerts.store.base import AlertStore
from alerts.store.memory import MemoryStore
from alerts.store.redis import RedisStore
from alerts.store.resp import RespClient
from monitor.feed import FeedHub
from monitor.metrics import ServiceMetrics
from tests.alerting.helpers import make_plan, trigger
from tests.redis_server import RedisServer

SCRIPT = "return redis.call('INCR', KEYS[1])"


async def cpu_per_call(n: int, call: Callable[[], Awaitable[object]]) -> float:
    """Return CPU microseconds per awaited call, one call at a time."""
    await call()
    started = time.process_time()
    for _ in range(n):
        await call()
    return (time.process_time() - started) / n * 1e6


async def cpu_per_call_in_flight(n: int, call: Callable[[], Awaitable[object]]) -> float:
    """Return CPU microseconds per call with n calls in flight at once."""
    started = time.process_time()
    await asyncio.gather(*(call() for _ in range(n)))
    return (time.process_time() - started) / n * 1e6


async def commands(url: str, n: int) -> None:
    pyredis = aioredis.Redis.from_url(url)
    resp = RespClient.from_url(url)
    py_script = pyredis.register_script(SCRIPT)
    resp_script = resp.script(SCRIPT)
    try:
        rows = [
            ("GET, one at a time", lambda: pyredis.get("k"), lambda: resp.execute("GET", "k")),
            (
                "script (EVALSHA), one at a time",
                lambda: py_script(keys=["n"]),
                lambda: resp_script(keys=["n"]),
            ),
        ]
        print(f"CPU us per command, {n:,} commands   redis-py   roomwatch RespClient")
        for name, py_call, resp_call in rows:
            py = await cpu_per_call(n, py_call)
            own = await cpu_per_call(n, resp_call)
            print(f"  {name:<34}{py:9.1f}   {own:9.1f}")
        # redis-py as the store used it: a blocking pool of 64 connections.
        pool = aioredis.BlockingConnectionPool.from_url(url, max_connections=64)
        py_pipe = aioredis.Redis.from_pool(pool)
        try:
            py = await cpu_per_call_in_flight(n, lambda: py_pipe.get("k"))
        finally:
            await py_pipe.aclose()
        own = await cpu_per_call_in_flight(n, lambda: resp.execute("GET", "k"))
        print(f"  {'GET, all in flight at once':<34}{py:9.1f}   {own:9.1f}")
    finally:
        await pyredis.aclose()
        await resp.close()


async def cluster_commands(n: int) -> None:
    from redis.asyncio.cluster import ClusterNode, RedisCluster

    from alerts.store.resp_cluster import ClusterRespClient
    from tests.redis_cluster import RedisClusterNodes

    nodes = RedisClusterNodes(masters=3)
    nodes.start()
    client = RedisCluster(startup_nodes=[ClusterNode(h, p) for h, p in nodes.startup_nodes])
    try:
        await client.initialize()
        script = client.register_script(SCRIPT)
        get = await cpu_per_call(n, lambda: client.get("k"))
        run = await cpu_per_call(n, lambda: script(keys=["n"]))
        # Its pool does not wait for a free connection: 32 in flight at a time (its default).
        started = time.process_time()
        for _ in range(n // 32):
            await asyncio.gather(*(client.get("k") for _ in range(32)))
        many = (time.process_time() - started) / (n // 32 * 32) * 1e6
        print(
            f"redis-py RedisCluster on 3 masters, CPU us per command: GET one at a time {get:.1f}, "
            f"script {run:.1f}, GET 32 in flight {many:.1f}"
        )
        own = ClusterRespClient(nodes.startup_nodes[:1])
        try:
            own_script = own.script(SCRIPT)
            get = await cpu_per_call(n, lambda: own.execute("GET", "k"))
            run = await cpu_per_call(n, lambda: own_script(keys=["n"]))
            started = time.process_time()
            for _ in range(n // 32):
                await asyncio.gather(*(own.execute("GET", "k") for _ in range(32)))
            many = (time.process_time() - started) / (n // 32 * 32) * 1e6
            batch = (
                await cpu_per_call(
                    n // 32, lambda: own.execute_many([("GET", f"{{r{i}}}k") for i in range(32)])
                )
                / 32
            )
        finally:
            await own.close()
        print(
            f"roomwatch ClusterRespClient on 3 masters, CPU us per command: GET one at a time "
            f"{get:.1f}, script {run:.1f}, GET 32 in flight {many:.1f}, "
            f"32 GETs to all 3 masters in one call {batch:.1f}"
        )
    finally:
        await client.aclose()
        nodes.close()


async def grouping(store: AlertStore, n: int) -> float:
    """Return CPU us for the manager to group one comment into an open alert of 200."""
    clock = ManualClock()
    plan = make_plan()
    manager = AlertManager(store, clock, [plan])
    hub = FeedHub(store, ServiceMetrics(CollectorRegistry()))
    manager.subscribe(hub.on_alert_change)
    for i in range(250):
        await manager.handle(trigger(plan, clock.now(), ids=(f"warm{i}",)))
    started = time.process_time()
    for i in range(n):
        await manager.handle(trigger(plan, clock.now(), ids=(f"e{i}",)))
    spent = (time.process_time() - started) / n * 1e6
    await store.close()
    return spent


async def main(args: argparse.Namespace) -> None:
    server = RedisServer()
    server.start()
    try:
        await commands(server.url, args.commands)
        if args.cluster:
            await cluster_commands(args.commands)
        memory = await grouping(MemoryStore(), args.groupings)
        redis = await grouping(RedisStore.from_url(server.url, prefix="b"), args.groupings)
        print(
            f"grouping one flagged comment into an open alert of 200 (CPU us): "
            f"memory store {memory:.1f}, Redis store {redis:.1f}"
        )
    finally:
        server.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=5000)
    parser.add_argument("--groupings", type=int, default=2000)
    parser.add_argument("--cluster", action="store_true")
    asyncio.run(main(parser.parse_args()))
