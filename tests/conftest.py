"""Shared fixtures: a real redis-server (session-wide, flushed per test) and private ones;
one loaded sentiment model per weights file for every detector the session builds."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from monitor.detect.sentiment import LinearModel
from tests.redis_cluster import RedisClusterNodes
from tests.redis_server import REDIS_SERVER, RedisServer

pytest_plugins = ["tests.skip_guard"]


@pytest.fixture(autouse=True, scope="session")
def shared_sentiment_models() -> Iterator[None]:
    """Detectors built from the same weights file share one loaded model (it is never
    changed): parsing the shipped weights takes a tenth of a second or more, and hundreds of
    tests build a service. A file written anew (another mtime or size) is loaded anew."""
    load = LinearModel.load_or_none
    loaded: dict[tuple[str, int, int] | None, LinearModel | None] = {}

    def load_once(path: str | Path | None = None) -> LinearModel | None:
        try:
            stat = Path(path).stat() if path else None
        except OSError:
            return load(path)  # as it fails without the cache
        key = (str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size) if stat else None
        if key not in loaded:
            loaded[key] = load(path)
        return loaded[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LinearModel, "load_or_none", staticmethod(load_once))
        yield


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
