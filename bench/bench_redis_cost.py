"""What an event costs Redis and an instance: commands, Redis CPU, instance CPU, ingest time.

Starts a private redis-server (with `--replicas N`, replicas of it too) and `--instances`
`roomwatch run` subprocesses on it (bench_scale's config: 20 rooms, shipped plans, contact
and fraud lexicons), sends `--events` events at `--rate` over HTTP ingest (100-event
batches) and waits until every one is processed. Before and after it reads Redis's
`INFO commandstats` and the CPU time (/proc) of Redis, the instances and this load
generator; the idle cost (lease renewals, backlog polls, trims, which run whether events
come or not) is measured over an idle window first and taken off. One run per
`--flagged` share: 0 gives the ordinary event, 1 the flagged one (every comment a contact
diversion the shipped plans count, so each one is grouped into its room's open alert).

  .venv/bin/python -m bench.bench_redis_cost [--events 20000] [--rate 4000]
        [--flagged 0,1] [--instances 1] [--replicas 0] [--wait-replicas 0]
  .venv/bin/python -m bench.bench_redis_cost --wait-only [--batches 2000]

`--wait-only` measures what `store.wait_replicas: 1` adds to one ingest commit: the
router's 100-event stream write alone and followed by `WAIT 1`, one after the other on a
master with one replica, wall time per commit (the instance's CPU is the same: one more
command per batch).

Figures are for this machine and moment; nothing here asserts a speed (docs/scaling.md).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
import redis

from bench.bench_scale import PASSWORD, TOKEN, Batches, config_yaml, family_usage, proc_usage
from tests.faults.instances import Instance
from tests.redis_server import RedisServer

PROCESSED = "roomwatch_pipeline_latency_seconds_count"
IDLE_SECONDS = 3.0
BATCH = 100


def commandstats(port: int) -> Counter[str]:
    """Return calls per command so far (commands run inside scripts included)."""
    with redis.Redis(port=port, socket_timeout=5.0) as c:
        stats = c.info("commandstats")
    return Counter({k.removeprefix("cmdstat_"): int(v["calls"]) for k, v in stats.items()})


async def processed(http: aiohttp.ClientSession, bases: list[str]) -> float:
    total = 0.0
    for base in bases:
        async with http.get(f"{base}/metrics") as r:
            for line in (await r.text()).splitlines():
                if line.startswith(PROCESSED + " "):
                    total += float(line.rsplit(" ", 1)[1])
    return total


class Snapshot:
    """CPU seconds of Redis, the instances and the load generator, and Redis's command counts."""

    def __init__(self, redis_port: int, redis_pids: list[int], inst_pids: list[int]) -> None:
        self.at = time.monotonic()
        self.redis_cpu = sum(proc_usage(p)[0] for p in redis_pids)
        self.inst_cpu = sum(family_usage(p)[0] for p in inst_pids)
        self.load_cpu = time.process_time()
        self.commands = commandstats(redis_port)


def per(after: Snapshot, before: Snapshot) -> dict[str, float]:
    return {
        "seconds": after.at - before.at,
        "redis": after.redis_cpu - before.redis_cpu,
        "inst": after.inst_cpu - before.inst_cpu,
        "load": after.load_cpu - before.load_cpu,
    }


async def send(
    http: aiohttp.ClientSession, bases: list[str], n: int, rate: float, share: float
) -> tuple[list[float], int]:
    """Post n events at `rate`; return each POST's time and the count of 503s (resent)."""
    batches = Batches(BATCH, 20, share)
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    times: list[float] = []
    refused = 0
    started = time.monotonic()
    next_batch = 0

    async def poster(k: int) -> None:
        nonlocal next_batch, refused
        while next_batch * BATCH < n:
            mine = next_batch
            next_batch += 1
            due = started + mine * BATCH / rate
            if due > time.monotonic():
                await asyncio.sleep(due - time.monotonic())
            body = batches.next()
            while True:
                t0 = time.monotonic()
                async with http.post(
                    f"{bases[k % len(bases)]}/api/v1/ingest", data=body, headers=headers
                ) as r:
                    await r.read()
                    status = r.status
                times.append(time.monotonic() - t0)
                if status == 200:
                    break
                refused += 1
                await asyncio.sleep(0.05)

    await asyncio.gather(*(poster(k) for k in range(8)))
    return times, refused


async def one_run(args: argparse.Namespace, share: float, tmp: Path) -> None:
    master = RedisServer()
    master.start()
    replicas = [
        RedisServer(extra=["--replicaof", "127.0.0.1", str(master.port)])
        for _ in range(args.replicas)
    ]
    for r in replicas:
        r.start()
    text = config_yaml("redis", master.url, 20, True, "i0")
    if args.wait_replicas:
        text = text.replace(
            "key_prefix: bench}", f"key_prefix: bench, wait_replicas: {args.wait_replicas}}}"
        )
    insts = [
        Instance(text.replace('instance_id: "i0"', f'instance_id: "i{n}"'), tmp, f"s{share}-i{n}")
        for n in range(args.instances)
    ]
    os.environ["BENCH_PW"] = PASSWORD
    try:
        for inst in insts:
            inst.start()
        for inst in insts:
            await asyncio.to_thread(inst.wait_healthy, 60)
        bases = [i.url for i in insts]
        redis_pids = [s.proc.pid for s in [master, *replicas] if s.proc is not None]
        inst_pids = [i.proc.pid for i in insts if i.proc is not None]
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            # Warm up (leases settle, scripts load, the first alerts open), then the idle cost.
            await send(http, bases, 2_000, args.rate, share)
            deadline = time.monotonic() + 120
            while await processed(http, bases) < 2_000 and time.monotonic() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.1)
            idle0 = Snapshot(master.port, redis_pids, inst_pids)
            await asyncio.sleep(IDLE_SECONDS)
            idle1 = Snapshot(master.port, redis_pids, inst_pids)
            done0 = await processed(http, bases)
            s0 = Snapshot(master.port, redis_pids, inst_pids)
            times, refused = await send(http, bases, args.events, args.rate, share)
            deadline = time.monotonic() + 300
            while await processed(http, bases) < done0 + args.events:
                if time.monotonic() > deadline:
                    raise RuntimeError("events were not processed within 300 s")
                await asyncio.sleep(0.05)
            s1 = Snapshot(master.port, redis_pids, inst_pids)
        idle, load = per(idle1, idle0), per(s1, s0)
        n = args.events
        scale = load["seconds"] / idle["seconds"]
        net = {k: load[k] - idle[k] * scale for k in ("redis", "inst")}
        cmds = s1.commands.copy()
        cmds.subtract(s0.commands)
        idle_cmds = idle1.commands.copy()
        idle_cmds.subtract(idle0.commands)
        per_event = {c: (cmds[c] - idle_cmds.get(c, 0) * scale) / n for c in cmds}
        shown = sorted(((v, c) for c, v in per_event.items() if v >= 0.005), reverse=True)
        times.sort()
        print(
            f"flagged {share:.0%}, {args.instances} instance(s), {args.replicas} replica(s), "
            f"wait_replicas {args.wait_replicas}: {n} events at {args.rate:.0f}/s offered, "
            f"processed in {load['seconds']:.1f} s ({n / load['seconds']:.0f}/s), 503s {refused}"
        )
        idle_redis = idle["redis"] / idle["seconds"] * 100
        idle_inst = idle["inst"] / idle["seconds"] * 100
        print(
            f"  per event: Redis CPU {net['redis'] / n * 1e6:.1f} us (replicas included), "
            f"instance CPU {net['inst'] / n * 1e6:.1f} us, load generator "
            f"{load['load'] / n * 1e6:.1f} us; idle: Redis {idle_redis:.1f} % of a core, "
            f"instances {idle_inst:.1f} %"
        )
        print(
            f"  Redis commands per event {sum(v for v, _ in shown):.2f}: "
            + ", ".join(f"{c} {v:.2f}" for v, c in shown)
        )
        print(
            f"  ingest POST ({BATCH} events): p50 {statistics.median(times) * 1000:.1f} ms, "
            f"p99 {times[int(len(times) * 0.99) - 1] * 1000:.1f} ms"
        )
    finally:
        for inst in insts:
            await asyncio.to_thread(inst.stop)
        for server in [master, *replicas]:
            server.close()


async def wait_only(batches: int) -> None:
    from alerts.store.resp import RespClient
    from monitor.cluster.router import _XADD_MANY

    master = RedisServer()
    master.start()
    replica = RedisServer(extra=["--replicaof", "127.0.0.1", str(master.port)])
    replica.start()
    client = RespClient.from_url(master.url)
    script = client.script(_XADD_MANY)
    body = Batches(BATCH, 20, 0.0).next().decode()
    keys = [f"w:{{r{i % 20}}}:in" for i in range(BATCH)]
    args = [body[:200]] * BATCH  # the size of an event's JSON
    try:
        while True:  # until the replica is in sync
            info = await client.execute("INFO", "replication")
            if b"connected_slaves:1" in info and b"state=online" in info:
                break
            await asyncio.sleep(0.1)
        for label, wait in (("write", False), ("write + WAIT 1", True), ("write", False)):
            times = []
            for _ in range(batches):
                cmds: list[Any] = [script.args(keys, args)]
                if wait:
                    cmds.append(("WAIT", 1, 1000))
                t0 = time.perf_counter()
                replies = await client.execute_many(cmds, scripts=[script, None])
                times.append(time.perf_counter() - t0)
                assert not wait or int(replies[1]) == 1
            times.sort()
            print(
                f"{label:16} {batches} commits of {BATCH} events: p50 "
                f"{statistics.median(times) * 1e3:.2f} ms, p99 "
                f"{times[int(len(times) * 0.99) - 1] * 1e3:.2f} ms"
            )
    finally:
        await client.close()
        replica.close()
        master.close()


async def run(args: argparse.Namespace) -> None:
    if args.wait_only:
        await wait_only(args.batches)
        return
    tmp = Path(tempfile.mkdtemp(prefix="rw-cost-"))
    for share in [float(s) for s in args.flagged.split(",")]:
        await one_run(args, share, tmp)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--rate", type=float, default=4_000.0)
    parser.add_argument("--flagged", default="0,1", help="comma-separated flagged shares")
    parser.add_argument("--instances", type=int, default=1)
    parser.add_argument("--replicas", type=int, default=0)
    parser.add_argument("--wait-replicas", type=int, default=0)
    parser.add_argument("--wait-only", action="store_true")
    parser.add_argument("--batches", type=int, default=2_000)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
