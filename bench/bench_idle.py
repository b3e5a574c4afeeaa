"""What an idle instance costs, on one Redis and on a 3-master Redis Cluster.

Starts one `roomwatch run` (cluster mode, no events) on a private redis-server or a local
Redis Cluster, waits for its leases and groups to settle, then reads the CPU time (/proc)
of the instance and of each redis-server over `--seconds`. On a cluster the stream reads
poll instead of blocking (docs/scaling.md, "Redis Cluster"), so this is their price.
Nothing here asserts a speed.

  .venv/bin/python -m bench.bench_idle [--rooms 20,1000] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from bench.bench_scale import proc_usage
from tests.faults.backends import Backend
from tests.faults.instances import Instance
from tests.redis_cluster import RedisClusterNodes
from tests.redis_server import RedisServer


async def idle(store: str, rooms: int, seconds: float) -> str:
    tmp = Path(tempfile.mkdtemp(prefix="rw-bench-idle-"))
    servers: list[RedisServer]
    cluster = None
    if store == "redis-cluster":
        cluster = RedisClusterNodes(masters=3)
        cluster.start()
        servers = cluster.nodes
        backend = Backend.of_cluster(cluster)
    else:
        single = RedisServer()
        single.start()
        servers = [single]
        backend = Backend(url=single.url)
    inst = Instance(backend.yaml(rooms=rooms, instance_id="solo", lease_ttl=5.0), tmp, "solo")
    try:
        inst.start()
        await asyncio.to_thread(inst.wait_healthy, 60)
        await asyncio.sleep(8.0)  # leases taken, groups made, rooms read
        assert inst.proc is not None
        pids = {"instance": inst.proc.pid}
        for k, server in enumerate(servers):
            if server.proc is not None:
                pids[f"redis{k}" if cluster else "redis"] = server.proc.pid
        before = {k: proc_usage(p)[0] for k, p in pids.items()}
        started = time.monotonic()
        await asyncio.sleep(seconds)
        elapsed = time.monotonic() - started
        after = {k: proc_usage(p)[0] for k, p in pids.items()}
        cpu = ", ".join(f"{k} {(after[k] - before[k]) / elapsed * 100:.1f}%" for k in pids)
        return f"{store:13} rooms={rooms:5}: idle CPU {cpu}"
    finally:
        await asyncio.to_thread(inst.stop)
        for server in servers:
            server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rooms", default="20,1000", help="comma-separated room counts")
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    for rooms in (int(r) for r in args.rooms.split(",")):
        for store in ("redis-cluster", "redis"):
            print(asyncio.run(idle(store, rooms, args.seconds)), flush=True)


if __name__ == "__main__":
    main()
