"""Where the Redis store's connections go: one URL, the master Sentinel names, or a cluster.

Every part that talks to Redis builds its clients from one `RedisTarget`: the store's lean
client (alerts/store/resp.py), the stream reader and the intake writer, and redis-py for
the cluster parts (leases, stream groups and acks, backlog, pub/sub). With Sentinel both
kinds ask the sentinels for the master's address on every new connection and drop a
connection whose server was demoted, so an instance follows a failover on its own; while
there is no master every call fails (ingest answers 503) until the sentinels promote one.
TLS (with a client certificate where the servers ask for one) applies to every connection,
the sentinels' included. On Redis Cluster (`store.cluster`) the store's client is the
slot-routing ClusterRespClient and redis-py's parts get its RedisCluster; both follow MOVED,
ASK and a shard's failover on their own.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.asyncio.connection import SSLConnection
from redis.asyncio.sentinel import Sentinel, SentinelConnectionPool

from alerts.store.resp import RespClient
from alerts.store.resp_cluster import ClusterRespClient
from config.store import RedisClusterConfig, RedisTLS, SentinelConfig, StoreConfig

# The redis-py client of the cluster parts: one server (or Sentinel's master), or a cluster.
RedisClient = aioredis.Redis | RedisCluster


@dataclass
class RedisTarget:
    """How to reach the store's Redis: `url`, `sentinel` or `cluster` (one of them); TLS."""

    url: str = ""
    sentinel: SentinelConfig | None = None
    cluster: RedisClusterConfig | None = None
    tls: RedisTLS = field(default_factory=RedisTLS)
    _sentinels: Sentinel | None = field(default=None, init=False, repr=False)

    @classmethod
    def from_config(cls, cfg: StoreConfig) -> RedisTarget:
        return cls(url=cfg.redis_url, sentinel=cfg.sentinel, cluster=cfg.cluster, tls=cfg.tls)

    @property
    def sharded(self) -> bool:
        """True on Redis Cluster (commands and scripts must keep to one slot)."""
        return self.cluster is not None

    @property
    def uses_tls(self) -> bool:
        return self.tls.enabled or self.url.startswith("rediss://")

    def describe(self) -> str:
        """Say where the store is, without secrets (for logs)."""
        if self.sentinel is not None:
            via = ", ".join(self.sentinel.sentinels)
            return f"sentinel master {self.sentinel.master!r} via {via}"
        if self.cluster is not None:
            return "redis cluster via " + ", ".join(self.cluster.nodes)
        return self.url.split("@")[-1]

    def ssl_context(self) -> ssl.SSLContext | None:
        """Return the TLS context of every connection, or None without TLS."""
        if not self.uses_tls:
            return None
        tls = self.tls
        context = ssl.create_default_context(cafile=tls.ca_file or None)
        if tls.cert_file:
            context.load_cert_chain(tls.cert_file, tls.key_file or None)
        if not tls.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    def _ssl_kwargs(self) -> dict[str, Any]:
        """redis-py's spelling of the same TLS settings."""
        if not self.uses_tls:
            return {}
        tls = self.tls
        return {
            "ssl_ca_certs": tls.ca_file or None,
            "ssl_certfile": tls.cert_file or None,
            "ssl_keyfile": tls.key_file or None,
            "ssl_cert_reqs": "required" if tls.verify else "none",
            "ssl_check_hostname": tls.verify,
        }

    def sentinels(self) -> Sentinel:
        """Return the (shared) redis-py Sentinel client that finds the master."""
        assert self.sentinel is not None
        if self._sentinels is None:
            cfg = self.sentinel
            sentinel_kwargs: dict[str, Any] = {
                "socket_timeout": 1.0,
                "socket_connect_timeout": 1.0,
                "username": cfg.sentinel_username or None,
                "password": cfg.sentinel_password or None,
            }
            if self.uses_tls:
                sentinel_kwargs.update(ssl=True, **self._ssl_kwargs())
            self._sentinels = Sentinel(cfg.addresses(), sentinel_kwargs=sentinel_kwargs)
        return self._sentinels

    async def master_address(self) -> tuple[str, int]:
        """Ask the sentinels where the master is now (MasterNotFoundError while none is)."""
        assert self.sentinel is not None
        host, port = await self.sentinels().discover_master(self.sentinel.master)
        return str(host), int(port)

    def resp(self, **kwargs: Any) -> RespClient:
        """Return a new lean client (one pipelined connection) to the master."""
        if self.cluster is not None:
            raise ValueError("on Redis Cluster use resp_any (one client per shard)")
        return self._single_resp(**kwargs)

    def resp_any(self, **kwargs: Any) -> RespClient | ClusterRespClient:
        """Return a new lean client: RespClient, or on Redis Cluster ClusterRespClient."""
        if self.cluster is None:
            return self._single_resp(**kwargs)
        cfg = self.cluster
        return ClusterRespClient(
            cfg.addresses(),
            ssl=self.ssl_context(),
            username=cfg.username or None,
            password=cfg.password or None,
            **kwargs,
        )

    def _single_resp(self, **kwargs: Any) -> RespClient:
        context = self.ssl_context()
        if self.sentinel is None:
            return RespClient.from_url(self.url, tls=context, **kwargs)
        cfg = self.sentinel
        return RespClient(
            ssl=context,
            username=cfg.username or None,
            password=cfg.password or None,
            db=cfg.db,
            resolver=self.master_address,
            **kwargs,
        )

    def redis(self, **kwargs: Any) -> RedisClient:
        """Return a redis-py client on the master or the cluster (pool, retry in kwargs)."""
        if self.cluster is not None:
            return self._cluster_redis(**kwargs)
        if self.sentinel is None:
            extra: dict[str, Any] = {}
            if self.uses_tls:
                extra = {"connection_class": SSLConnection, **self._ssl_kwargs()}
            pool = aioredis.BlockingConnectionPool.from_url(self.url, **extra, **kwargs)
            return aioredis.Redis.from_pool(pool)
        cfg = self.sentinel
        kwargs.pop("max_connections", None)  # the sentinel pool is not a blocking one
        kwargs.pop("timeout", None)
        if self.uses_tls:
            kwargs.update(ssl=True, **self._ssl_kwargs())
        client: aioredis.Redis = self.sentinels().master_for(
            cfg.master,
            redis_class=aioredis.Redis,
            connection_pool_class=SentinelConnectionPool,
            username=cfg.username or None,
            password=cfg.password or None,
            db=cfg.db,
            check_connection=True,
            **kwargs,
        )
        return client

    def _cluster_redis(self, **kwargs: Any) -> RedisCluster:
        assert self.cluster is not None
        cfg = self.cluster
        kwargs.pop("timeout", None)  # the cluster's pools are not blocking ones
        kwargs.pop("retry_on_error", None)  # it retries connection errors after a new map
        retry = kwargs.pop("retry", None)
        if self.uses_tls:
            kwargs.update(ssl=True, **self._ssl_kwargs())
        return RedisCluster(
            startup_nodes=[ClusterNode(h, p) for h, p in cfg.addresses()],
            username=cfg.username or None,
            password=cfg.password or None,
            retry=retry,
            **kwargs,
        )

    async def close(self) -> None:
        """Close the connections to the sentinels (the clients close their own)."""
        if self._sentinels is not None:
            for node in self._sentinels.sentinels:
                await node.aclose()
            self._sentinels = None
