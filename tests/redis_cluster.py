"""A real local Redis Cluster for tests and benchmarks: N masters (plus replicas) on free ports."""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
import time

import redis
from redis.crc import key_slot

from tests.redis_server import RedisServer

REDIS_CLI = shutil.which("redis-cli") or "/usr/bin/redis-cli"


def cluster_port() -> int:
    """Return a free port whose cluster bus port (+10,000) is free too."""
    while True:
        port = random.randint(20_000, 55_000)
        try:
            for p in (port, port + 10_000):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", p))
        except OSError:
            continue
        return port


class RedisClusterNodes:
    """`redis-server --cluster-enabled yes` x (masters x (1 + replicas)), joined by redis-cli."""

    def __init__(self, *, masters: int = 3, replicas: int = 0, appendonly: bool = False) -> None:
        self.replicas = replicas
        args = [
            "--cluster-enabled", "yes",
            "--cluster-config-file", "nodes.conf",
            "--cluster-node-timeout", "2000",
            "--repl-diskless-sync-delay", "0",
        ]  # fmt: skip
        self.nodes = [
            RedisServer(extra=args, port=cluster_port(), appendonly=appendonly)
            for _ in range(masters * (1 + replicas))
        ]

    @property
    def startup_nodes(self) -> list[tuple[str, int]]:
        return [("127.0.0.1", n.port) for n in self.nodes]

    def node(self, port: int) -> RedisServer:
        return next(n for n in self.nodes if n.port == port)

    def master_of(self, key: str) -> RedisServer:
        """Return the node serving `key`'s slot now (as the first node that answers sees it)."""
        slot = key_slot(key.encode())
        for node in self.nodes:
            try:
                with redis.Redis(port=node.port, socket_timeout=1) as r:
                    ranges = r.execute_command("CLUSTER", "SLOTS")
            except redis.RedisError:
                continue
            for first, last, master, *_ in ranges:
                if int(first) <= slot <= int(last):
                    return self.node(int(master[1]))
        raise RuntimeError("no node answered CLUSTER SLOTS")

    @property
    def url(self) -> str:
        return self.nodes[0].url

    def start(self, within: float = 60.0) -> None:
        for node in self.nodes:
            node.start()
        subprocess.run(
            [
                REDIS_CLI, "--cluster", "create",
                *(f"127.0.0.1:{n.port}" for n in self.nodes),
                "--cluster-replicas", str(self.replicas), "--cluster-yes",
            ],
            check=True,
            capture_output=True,
            timeout=within,
        )  # fmt: skip
        deadline = time.monotonic() + within
        while not all(b"cluster_state:ok" in n.command("CLUSTER", "INFO") for n in self.nodes):
            if time.monotonic() > deadline:
                raise RuntimeError(f"the cluster was not ok within {within}s")
            time.sleep(0.1)

    def close(self) -> None:
        for node in self.nodes:
            node.close()
