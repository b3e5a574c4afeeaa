"""The store section: memory or Redis, and how to reach Redis (URL or Sentinel, TLS, WAIT)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from config.base import Section

_ADDRESS = re.compile(r"^[A-Za-z0-9_.\-]+:[0-9]{1,5}$|^\[[0-9A-Fa-f:]+\]:[0-9]{1,5}$")


class RedisTLS(Section):
    """TLS for every connection to Redis (and to the sentinels); rediss:// turns it on too."""

    enabled: bool = False
    ca_file: str = ""  # CA bundle (PEM) the server certificates are checked against
    cert_file: str = ""  # client certificate (PEM), for servers with tls-auth-clients yes
    key_file: str = ""  # its private key (PEM); empty: in cert_file
    verify: bool = True  # check the server's certificate and its name

    @model_validator(mode="after")
    def _key_needs_cert(self) -> RedisTLS:
        if self.key_file and not self.cert_file:
            raise ValueError("key_file needs cert_file")
        return self


def _host_ports(value: list[str]) -> list[str]:
    """Check a list of host:port addresses, naming the first bad one by its index."""
    for i, item in enumerate(value):
        if not _ADDRESS.match(item):
            raise ValueError(f"[{i}] {item!r} is not host:port")
    return value


def _pairs(items: list[str]) -> list[tuple[str, int]]:
    """Return host:port addresses as (host, port) pairs ([::1]:7000 gives ::1)."""
    out = []
    for item in items:
        host, _, port = item.rpartition(":")
        out.append((host.strip("[]"), int(port)))
    return out


class SentinelConfig(Section):
    """Find the master through Redis Sentinel and follow it when a replica is promoted."""

    master: str = Field(pattern=r"^[A-Za-z0-9_.\-]{1,64}$")  # the name sentinels monitor
    sentinels: list[str] = Field(min_length=1)  # host:port of each sentinel
    username: str = ""  # for the master (ACL user); empty: default user
    password: str = ""  # for the master (${ENV})
    sentinel_username: str = ""  # for the sentinels themselves
    sentinel_password: str = ""
    db: int = Field(0, ge=0, le=15)

    @field_validator("sentinels")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        return _host_ports(value)

    def addresses(self) -> list[tuple[str, int]]:
        """Return the sentinels as (host, port) pairs."""
        return _pairs(self.sentinels)


class RedisClusterConfig(Section):
    """Run on Redis Cluster: keys are spread over its shards by room (docs/scaling.md)."""

    nodes: list[str] = Field(min_length=1)  # host:port of some of its nodes (any will do)
    username: str = ""  # ACL user; empty: default user
    password: str = ""  # the nodes' password (${ENV})

    @field_validator("nodes")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        return _host_ports(value)

    def addresses(self) -> list[tuple[str, int]]:
        """Return the nodes as (host, port) pairs."""
        return _pairs(self.nodes)


class StoreConfig(Section):
    kind: Literal["memory", "redis"] = "memory"
    redis_url: str = ""
    key_prefix: str = Field("roomwatch", pattern=r"^[A-Za-z0-9_:\-]{1,32}$")
    sentinel: SentinelConfig | None = None  # instead of redis_url
    cluster: RedisClusterConfig | None = None  # Redis Cluster, instead of redis_url
    tls: RedisTLS = RedisTLS()
    # Durability against a failover (docs/scaling.md): ingest answers 200 only once this
    # many replicas hold the events (WAIT), 503 when they do not within wait_timeout.
    wait_replicas: int = Field(0, ge=0, le=16)
    wait_timeout: float = Field(0.5, gt=0, le=30)

    @model_validator(mode="after")
    def _one_address(self) -> StoreConfig:
        given = [
            name
            for name, value in (
                ("redis_url", self.redis_url),
                ("sentinel", self.sentinel),
                ("cluster", self.cluster),
            )
            if value
        ]
        if len(given) > 1:
            raise ValueError(
                f"set one of redis_url, sentinel and cluster, not {' and '.join(given)}"
            )
        return self
