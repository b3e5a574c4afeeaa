"""A real Sentinel setup for tests: a master, replicas and sentinels, each on a free port."""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path

import redis

from tests.redis_server import REDIS_SERVER, RedisServer, free_port, spawn

# Diskless sync without its default 5 s delay: a replica (re)syncs at once.
NODE_ARGS = ["--repl-diskless-sync-delay", "0"]


class SentinelServer:
    """One `redis-server <conf> --sentinel` process (its config file is its own to rewrite)."""

    def __init__(self, master: str, master_port: int, *, quorum: int, down_after_ms: int) -> None:
        self.port = free_port()
        self._tmp = tempfile.TemporaryDirectory(prefix="roomwatch-sentinel-")
        self.dir = Path(self._tmp.name)
        self.conf = self.dir / "sentinel.conf"
        self.conf.write_text(
            f"port {self.port}\n"
            "bind 127.0.0.1\n"
            "protected-mode no\n"
            f"dir {self.dir}\n"
            f"logfile {self.dir / 'sentinel.log'}\n"
            f"sentinel monitor {master} 127.0.0.1 {master_port} {quorum}\n"
            f"sentinel down-after-milliseconds {master} {down_after_ms}\n"
            f"sentinel failover-timeout {master} {max(4 * down_after_ms, 5000)}\n"
            f"sentinel parallel-syncs {master} 1\n",
            encoding="utf-8",
        )
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = spawn([REDIS_SERVER, str(self.conf), "--sentinel"])

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=2.0, decode_responses=True)

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None
        self._tmp.cleanup()


class SentinelSetup:
    """A master with replicas, watched by sentinels that promote a replica when it dies."""

    def __init__(
        self,
        *,
        name: str = "rwmaster",
        replicas: int = 2,
        sentinels: int = 3,
        down_after_ms: int = 2500,
        appendonly: bool = False,
    ) -> None:
        self.name = name
        self.master = RedisServer(appendonly=appendonly, extra=NODE_ARGS)
        self.replicas = [
            RedisServer(
                appendonly=appendonly,
                extra=[*NODE_ARGS, "--replicaof", "127.0.0.1", str(self.master.port)],
            )
            for _ in range(replicas)
        ]
        self.sentinels = [
            SentinelServer(
                name, self.master.port, quorum=sentinels // 2 + 1, down_after_ms=down_after_ms
            )
            for _ in range(sentinels)
        ]

    @property
    def nodes(self) -> list[RedisServer]:
        return [self.master, *self.replicas]

    @property
    def addresses(self) -> list[str]:
        return [s.address for s in self.sentinels]

    def start(self, within: float = 120.0) -> None:
        """Start everything; return once the replicas are in sync and the sentinels agree
        (sentinels find each other through hello messages every 2 s; one full suite once
        took more than 60 s here, so the failure names what was still missing)."""
        for node in self.nodes:
            node.start()
        for sentinel in self.sentinels:
            sentinel.start()
        deadline = time.monotonic() + within
        while (missing := self.unsettled()) is not None:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the sentinel setup did not settle within {within}s: {missing}")
            time.sleep(0.1)

    def settled(self) -> bool:
        """True when every sentinel names the same live master with every replica and peer."""
        return self.unsettled() is None

    def unsettled(self) -> str | None:
        """Return what keeps the setup from being settled, or None when it is."""
        try:
            port = self.master_port()
            for i, sentinel in enumerate(self.sentinels):
                with sentinel.client() as c:
                    state = c.sentinel_master(self.name)
                    if int(state["port"]) != port or not state["is_master"]:
                        return f"sentinel {i} names master {state['port']}, sentinel 0 {port}"
                    if state["is_sdown"] or state["is_odown"]:
                        return f"sentinel {i} sees the master down"
                    if state["num-other-sentinels"] < len(self.sentinels) - 1:
                        return f"sentinel {i} knows {state['num-other-sentinels']} other sentinels"
                    if state["num-slaves"] < len(self.replicas):
                        return f"sentinel {i} knows {state['num-slaves']} replicas"
                    healthy = [
                        r
                        for r in c.sentinel_slaves(self.name)
                        if not r["is_sdown"] and r.get("master-link-status") == "ok"
                    ]
                    if len(healthy) < len(self.replicas):
                        return f"sentinel {i} sees {len(healthy)} replicas in sync"
        except (redis.RedisError, OSError, KeyError) as exc:
            return f"{type(exc).__name__}: {exc}"
        return None

    def master_port(self) -> int:
        """Return the master's port as the first sentinel sees it."""
        with self.sentinels[0].client() as c:
            _, port = c.sentinel_get_master_addr_by_name(self.name)
        return int(port)

    def node(self, port: int) -> RedisServer:
        return next(n for n in self.nodes if n.port == port)

    def role(self, node: RedisServer) -> str:
        with redis.Redis(port=node.port, socket_timeout=2.0) as c:
            return str(c.execute_command("ROLE")[0].decode())

    def close(self) -> None:
        for sentinel in self.sentinels:
            sentinel.close()
        for node in self.nodes:
            node.close()
