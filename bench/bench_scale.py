"""Scale benchmarks: events/s per instance, ingest-to-feed latency, CPU/RSS, rooms and clients.

Each roomwatch instance runs as its own `roomwatch run` subprocess; this process is the
load generator (HTTP ingest batches), and the console clients run in a third process
(bench/scale_consoles.py). Latency is measured on flagged comments: the event's ts is the
send time, the feed item carries it, and the console client takes the difference when the
item arrives. CPU and RSS are read from /proc for the instance processes and their
detector processes; the other processes' CPU and the host's steal are printed too. Figures
are for this machine; nothing here asserts a speed. Method and results: docs/scaling.md.

  .venv/bin/python -m bench.bench_scale throughput --store memory|redis|redis-cluster
      [--instances N] [--shards M]
        [--cluster] [--seconds S] [--rate EVENTS_PER_S] [--rooms R] [--detect-processes N]
  .venv/bin/python -m bench.bench_scale capacity --rooms 1000 --clients 500 [--teams 500]
        [--rate R] [--detect-processes N]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import orjson

from monitor.collectors import phrases
from tests.faults.instances import Instance
from tests.redis_cluster import RedisClusterNodes
from tests.redis_server import RedisServer

TOKEN = "bench-token-123456"
PASSWORD = "bench-password-123"
CLK_TCK = os.sysconf("SC_CLK_TCK")
FLAGGED_SHARE = 0.02  # default: a few percent of comments are sensitive (--flagged)


def config_yaml(
    store: str,
    redis_url: str,
    rooms: int,
    cluster: bool,
    instance: str,
    teams: int = 0,
    detect_processes: int = 0,
) -> str:
    room_ids = [f"r{i}" for i in range(rooms)]
    # With teams, controller i answers for its own share of the rooms and its console
    # authenticates with an API token (what a per-team deployment looks like).
    per_team = max(1, rooms // teams) if teams else 0
    controllers = "".join(
        f', {{id: ctl{i}, role: controller, tokens: ["${{BENCH_T{i}}}"], '
        f"rooms: [{', '.join(room_ids[(i * per_team + j) % rooms] for j in range(per_team))}]}}"
        for i in range(teams)
    )
    plans = Path(__file__).resolve().parent.parent / "config" / "plans"
    store_yaml = (
        f'{{kind: redis, redis_url: "{redis_url}", key_prefix: bench}}'
        if store == "redis"
        else f"{{kind: redis, cluster: {{nodes: [{redis_url}]}}, key_prefix: bench}}"
        if store == "redis-cluster"
        else "{kind: memory}"
    )
    return f"""
store: {store_yaml}
cluster: {{enabled: {str(cluster).lower()}, instance_id: "{instance}", lease_ttl: 5}}
pipeline: {{queue_size: 200000, detect_processes: {detect_processes}}}
server: {{metrics_public: true}}
rooms: [{", ".join(f"{{id: {r}}}" for r in room_ids)}]
sources: [{{type: http_ingest, id: bench, token: {TOKEN}, max_events: 20000,
           max_body_bytes: 16777216}}]
people:
  users: [{{id: bench, name: 压测, role: admin, password: "${{BENCH_PW}}"}}{controllers}]
detection:
  categories:
    - {{id: contact_diversion, files: [contact_diversion.txt], homophones: true, contact: true}}
    - {{id: fraud, files: [fraud.txt]}}
plans: {{dir: {plans}}}
"""


def proc_usage(pid: int) -> tuple[float, int]:
    """Return (CPU seconds used, RSS bytes) of a process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / CLK_TCK
    rss = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) * 1024
    return cpu, rss


def cpu_ticks() -> tuple[int, int]:
    """Return (all, stolen) CPU ticks of the machine so far (/proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    return sum(fields), fields[7]


def family_usage(pid: int) -> tuple[float, int, float]:
    """Return (CPU seconds, RSS bytes) of a process and its children, and the children's CPU."""
    cpu, rss = proc_usage(pid)
    kids = 0.0
    children = Path(f"/proc/{pid}/task/{pid}/children")
    for child in children.read_text().split() if children.exists() else ():
        try:
            c_cpu, c_rss = proc_usage(int(child))
        except OSError:
            continue  # exited meanwhile
        kids += c_cpu
        rss += c_rss
    return cpu + kids, rss, kids


def make_events(
    rng: random.Random, n: int, rooms: int, seq: int, share: float = FLAGGED_SHARE
) -> list[dict[str, object]]:
    benign = [*phrases.CHATTER, *phrases.QUESTIONS]
    now = time.time()
    out: list[dict[str, object]] = []
    for i in range(n):
        flagged = rng.random() < share
        out.append(
            {
                "kind": "comment",
                "room": f"r{rng.randrange(rooms)}",
                "id": f"b{seq + i}",
                "ts": now,
                "user": f"u{rng.randint(1, 50_000)}",
                "text": "加我微信 私聊发货" if flagged else rng.choice(benign),
            }
        )
    return out


# Placeholders of fixed width, replaced in the encoded body just before each POST, so the
# load generator spends microseconds per batch instead of building every event again.
TS_MARK, BATCH_MARK = 1234567890.123456, "#BATCH#####"


class Batches:
    """Pre-encoded request bodies; each use gets a unique batch number and a fresh ts."""

    def __init__(self, size: int, rooms: int, share: float, variants: int = 64) -> None:
        rng = random.Random(7)
        self._bodies = []
        for _ in range(variants):
            events = make_events(rng, size, rooms, 0, share)
            for i, e in enumerate(events):
                e["id"], e["ts"] = f"{BATCH_MARK}-{i}", TS_MARK
            self._bodies.append(orjson.dumps(events))
        self._n = 0
        self.size = size

    def next(self) -> bytes:
        body = self._bodies[self._n % len(self._bodies)]
        self._n += 1
        stamp = orjson.dumps(round(time.time(), 6)).ljust(len(repr(TS_MARK)))
        return body.replace(repr(TS_MARK).encode(), stamp).replace(
            BATCH_MARK.encode(), f"b{self._n:010d}".encode()
        )


SCRAPED = {
    "processed": "roomwatch_pipeline_latency_seconds_count",
    "lag_sum": "roomwatch_event_loop_lag_seconds_sum",
    "lag_count": "roomwatch_event_loop_lag_seconds_count",
    "late_renewals": "roomwatch_cluster_lease_renewals_late_total",
    "leases_lost": 'roomwatch_cluster_lease_changes_total{change="lost"}',
}


async def scrape(http: aiohttp.ClientSession, base: str) -> dict[str, float]:
    """Return the few counters the report needs from an instance's /metrics."""
    async with http.get(f"{base}/metrics") as r:
        text = await r.text()
    found = dict.fromkeys(SCRAPED, 0.0)
    for line in text.splitlines():
        for key, name in SCRAPED.items():
            if line.startswith(name + " "):
                found[key] = float(line.rsplit(" ", 1)[1])
    return found


def delta(after: list[dict[str, float]], before: list[dict[str, float]], key: str) -> float:
    return sum(a[key] - b[key] for a, b in zip(after, before, strict=True))


async def login(http: aiohttp.ClientSession, base: str) -> str:
    async with http.post(f"{base}/api/v1/login", json={"user": "bench", "password": PASSWORD}) as r:
        r.raise_for_status()
        return r.cookies["rw_session"].value


async def load(
    http: aiohttp.ClientSession,
    bases: list[str],
    rooms: int,
    seconds: float,
    rate: float | None,
    counts: dict[str, int],
    share: float = FLAGGED_SHARE,
) -> None:
    """Post batches for `seconds`: paced at `rate` events/s, or as fast as accepted."""
    # Big batches when pushing for the maximum; 100-event batches (the latency unit) when paced.
    batches = Batches(500 if rate is None else max(1, min(100, int(rate / 50))), rooms, share)
    batch = batches.size
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    deadline = time.monotonic() + seconds
    started = time.monotonic()
    seq = 0

    async def poster(k: int) -> None:
        nonlocal seq
        while time.monotonic() < deadline:
            mine = seq  # reserved before sleeping, so posters keep even gaps between them
            seq += batch
            if rate is not None:
                due = started + mine / rate
                if due > time.monotonic():
                    await asyncio.sleep(due - time.monotonic())
            base = bases[k % len(bases)]
            async with http.post(
                f"{base}/api/v1/ingest", data=batches.next(), headers=headers
            ) as r:
                body = await r.json()
                counts["accepted"] += int(body.get("accepted", 0))
                if r.status == 503:
                    counts["refused"] += 1
                    await asyncio.sleep(0.05)

    # Enough posters that a slow response does not lower the offered rate (open loop).
    posters = max(2, len(bases) * 2) if rate is None else max(8, len(bases) * 4)
    await asyncio.gather(*(poster(k) for k in range(posters)))


async def run(args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="rw-bench-"))
    redis = RedisServer() if args.store == "redis" else None
    if redis is not None:
        redis.start()
    shards = (
        RedisClusterNodes(masters=getattr(args, "shards", 3))
        if args.store == "redis-cluster"
        else None
    )
    if shards is not None:
        shards.start()
    address = (
        redis.url
        if redis
        else ", ".join(f'"{h}:{p}"' for h, p in shards.startup_nodes)
        if shards
        else ""
    )
    cluster = args.instances > 1 or args.cluster or shards is not None
    os.environ["BENCH_PW"] = PASSWORD
    for i in range(args.teams):
        os.environ[f"BENCH_T{i}"] = f"{PASSWORD}-t{i}"
    insts = [
        Instance(
            config_yaml(
                args.store,
                address,
                args.rooms,
                cluster,
                f"i{n}",
                args.teams,
                args.detect_processes,
            ),
            tmp,
            f"i{n}",
        )
        for n in range(args.instances)
    ]
    try:
        for inst in insts:
            inst.start()
        for inst in insts:
            await asyncio.to_thread(inst.wait_healthy, 60)
        await asyncio.sleep(2.0 if cluster else 0.2)  # leases settle
        bases = [i.url for i in insts]
        conn = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=conn) as http:
            auth = f"teams:{args.teams}" if args.teams else f"cookie:{await login(http, bases[0])}"
            lat_file = tmp / "latency.json"
            # The consoles connect first (all of them, up to a minute), then the load starts.
            until = time.time() + args.seconds + 64.0
            started_connecting = time.monotonic()
            consoles = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bench.scale_consoles", ",".join(bases),
                auth, str(args.clients), str(until), str(lat_file),
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            )  # fmt: skip
            assert consoles.stdin is not None and consoles.stdout is not None
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(60.0):
                    await consoles.stdout.readline()
            connect_s = time.monotonic() - started_connecting
            await asyncio.sleep(0.5)
            before = [await scrape(http, b) for b in bases]
            usage0 = [family_usage(i.proc.pid) for i in insts if i.proc]
            others = {"load": os.getpid(), "consoles": consoles.pid}
            if redis is not None and redis.proc is not None:
                others["redis"] = redis.proc.pid
            for k, node in enumerate(shards.nodes if shards is not None else []):
                if node.proc is not None:
                    others[f"shard{k}"] = node.proc.pid
            others0 = {k: proc_usage(pid)[0] for k, pid in others.items()}
            ticks0 = cpu_ticks()
            t0 = time.monotonic()
            counts = {"accepted": 0, "refused": 0}
            await load(http, bases, args.rooms, args.seconds, args.rate, counts, args.flagged)
            elapsed = time.monotonic() - t0
            # The consoles stay on a little longer so the slow tail is in the samples.
            consoles.stdin.write(b"stop\n")
            await consoles.stdin.drain()
            after = [await scrape(http, b) for b in bases]
            usage1 = [family_usage(i.proc.pid) for i in insts if i.proc]
            others1 = {k: proc_usage(pid)[0] for k, pid in others.items()}
            ticks1 = cpu_ticks()
            await consoles.wait()
            report = orjson.loads(lat_file.read_bytes()) if lat_file.exists() else {}
            lat, reconnects = report.get("latency", []), report.get("reconnects", -1)
        done = delta(after, before, "processed")
        lag_n = delta(after, before, "lag_count")
        lag_ms = delta(after, before, "lag_sum") / lag_n * 1000 if lag_n else 0.0
        cpu = [(u1[0] - u0[0]) / elapsed * 100 for u0, u1 in zip(usage0, usage1, strict=True)]
        rss = [u[1] / 2**20 for u in usage1]
        kids = [(u1[2] - u0[2]) / elapsed * 100 for u0, u1 in zip(usage0, usage1, strict=True)]
        lat.sort()
        mode = f"{args.store}{' cluster' if cluster else ''} x{args.instances}" + (
            f" +{args.detect_processes}dp" if args.detect_processes else ""
        )
        print(
            f"{mode:18} rooms={args.rooms} clients={args.clients} teams={args.teams} "
            f"offered={'max' if args.rate is None else int(args.rate)}/s "
            f"flagged={args.flagged:.0%}: "
            f"accepted {counts['accepted'] / elapsed:8.0f}/s, processed {done / elapsed:8.0f}/s "
            f"(503s: {counts['refused']}), "
            + (
                f"feed latency p50 {statistics.median(lat) * 1000:6.1f} ms "
                f"p90 {lat[int(len(lat) * 0.9) - 1] * 1000:6.1f} ms "
                f"p99 {lat[int(len(lat) * 0.99) - 1] * 1000:6.1f} ms (n={len(lat)}), "
                if lat
                else "no feed samples, "
            )
            + f"consoles connected in {connect_s:.1f} s, reconnects {reconnects}, "
            + f"CPU {'/'.join(f'{c:.0f}%' for c in cpu)}"
            + (
                f" (of which detector processes {'/'.join(f'{k:.0f}%' for k in kids)}), "
                if args.detect_processes
                else ", "
            )
            + f"RSS {'/'.join(f'{r:.0f}' for r in rss)} MiB, "
            + f"loop lag mean {lag_ms:.1f} ms, "
            # The rest of the machine's 2 cores: what the other processes took meanwhile.
            # A virtual machine's host can take CPU time away (steal): figures taken while
            # it does are slower than the code is, so every run says how much it was.
            + f"steal {(ticks1[1] - ticks0[1]) / max(1, ticks1[0] - ticks0[0]) * 100:.0f}%, "
            + "others' CPU "
            + ", ".join(f"{k} {(others1[k] - others0[k]) / elapsed * 100:.0f}%" for k in others)
            + (
                f", late lease renewals {delta(after, before, 'late_renewals'):.0f}, "
                f"leases lost {delta(after, before, 'leases_lost'):.0f}"
                if cluster
                else ""
            )
        )
    finally:
        for inst in insts:
            await asyncio.to_thread(inst.stop)
        if redis is not None:
            redis.close()
        if shards is not None:
            shards.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("throughput")
    t.add_argument("--store", choices=["memory", "redis", "redis-cluster"], default="memory")
    t.add_argument("--shards", type=int, default=3, help="masters of --store redis-cluster")
    t.add_argument("--instances", type=int, default=1)
    t.add_argument("--cluster", action="store_true", help="cluster mode even with one instance")
    t.add_argument("--seconds", type=float, default=10.0)
    t.add_argument("--rate", type=float, default=None)
    t.add_argument("--rooms", type=int, default=20)
    t.add_argument("--clients", type=int, default=1)
    t.add_argument("--flagged", type=float, default=FLAGGED_SHARE)
    t.set_defaults(teams=0)

    c = sub.add_parser("capacity")
    c.add_argument("--store", choices=["memory", "redis"], default="redis")
    c.add_argument("--rooms", type=int, default=1000)
    c.add_argument("--clients", type=int, default=500)
    c.add_argument("--rate", type=float, default=2000.0)
    c.add_argument("--seconds", type=float, default=10.0)
    c.add_argument("--flagged", type=float, default=FLAGGED_SHARE)
    c.add_argument(
        "--teams",
        type=int,
        default=0,
        help="controllers with rooms/teams rooms each, clients spread over them "
        "(0: every client is an admin seeing every room)",
    )
    for p in (t, c):
        p.add_argument(
            "--detect-processes",
            type=int,
            default=0,
            help="pipeline.detect_processes of each instance (0: detection in its own process)",
        )
    args = parser.parse_args()
    if args.cmd == "capacity":
        args.instances, args.cluster = 1, False
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
