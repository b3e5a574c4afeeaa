"""Shared fixtures: a real redis-server (session-wide, flushed per test) and private ones."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.redis_cluster import RedisClusterNodes
from tests.redis_server import REDIS_SERVER, RedisServer

pytest_plugins = ["tests.skip_guard"]


def _need_redis() -> None:
    if not Path(REDIS_SERVER).exists():
        pytest.skip("redis-server is not installed (scripts/test.sh installs it)")


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A redis-server shared by the whole session; do not stop it (use redis_factory for that)."""
    _need_redis()
    with RedisServer() as server:
        yield server


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """URL of the shared redis-server, flushed empty for this test."""
    if not redis_server.ping():
        redis_server.start()
    redis_server.command("FLUSHALL")
    return redis_server.url


@pytest.fixture
def redis_factory() -> Iterator[Callable[..., RedisServer]]:
    """Start private redis-servers this test may stop, kill and restart; all closed after."""
    _need_redis()
    servers: list[RedisServer] = []

    def make(*, appendonly: bool = False, appendfsync: str = "everysec") -> RedisServer:
        server = RedisServer(appendonly=appendonly, appendfsync=appendfsync)
        servers.append(server)
        server.start()
        return server

    yield make
    for server in servers:
        server.close()


@pytest.fixture(scope="session")
def redis_cluster_session() -> Iterator[RedisClusterNodes]:
    """A 3-master Redis Cluster shared by the session (tests that kill nodes start their own)."""
    _need_redis()
    nodes = RedisClusterNodes(masters=3)
    try:
        nodes.start()
        yield nodes
    finally:
        nodes.close()


@pytest.fixture
def redis_cluster(redis_cluster_session: RedisClusterNodes) -> RedisClusterNodes:
    """The shared cluster, every master flushed empty for this test."""
    for node in redis_cluster_session.nodes:
        node.command("FLUSHALL")
    return redis_cluster_session
