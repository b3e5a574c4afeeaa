"""Where the fault tests' instances keep their state: one redis-server, or a Redis Cluster.

The kill and restart tests run on both (parametrised by `backend`): the same `roomwatch
run` instances, configured with `store.redis_url` or `store.cluster`, and the test's own
clients (a RedisStore to read what was processed, a redis-py client for leases and
streams) built on the same topology.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from redis.asyncio.cluster import RedisCluster

from alerts.store.connect import RedisClient, RedisTarget
from alerts.store.redis import RedisStore
from config.store import RedisClusterConfig
from tests.cluster.support import cluster_yaml
from tests.redis_cluster import RedisClusterNodes


@dataclass
class Backend:
    """One topology: `url` of a single Redis, or `nodes` (host:port) of a cluster."""

    url: str = ""
    nodes: Sequence[str] = ()

    @classmethod
    def of_cluster(cls, cluster: RedisClusterNodes) -> Backend:
        return cls(nodes=[f"{h}:{p}" for h, p in cluster.startup_nodes])

    @property
    def kind(self) -> str:
        return "redis-cluster" if self.nodes else "redis"

    def target(self) -> RedisTarget:
        if self.nodes:
            return RedisTarget(cluster=RedisClusterConfig(nodes=list(self.nodes)))
        return RedisTarget(url=self.url)

    def store_yaml(self) -> str:
        """The store's address as the YAML of the config's `store:` flow mapping."""
        if self.nodes:
            return "cluster: {nodes: [" + ", ".join(f'"{n}"' for n in self.nodes) + "]}"
        return f'redis_url: "{self.url}"'

    def yaml(self, *, store_extra: str = "", **kwargs: Any) -> str:
        """cluster_yaml (tests/cluster/support.py) on this backend; store_extra: more store keys."""
        text = cluster_yaml("placeholder", **kwargs)
        return text.replace('redis_url: "placeholder"', self.store_yaml() + store_extra)

    def store(self, prefix: str = "rw") -> RedisStore:
        return RedisStore.from_target(self.target(), prefix=prefix)

    def client(self) -> RedisClient:
        return self.target().redis()


async def mget(client: RedisClient, keys: list[str]) -> list[Any]:
    """MGET on one Redis; by slot, in order, on a cluster."""
    if isinstance(client, RedisCluster):
        return list(await client.mget_nonatomic(keys))
    return list(await client.mget(keys))
