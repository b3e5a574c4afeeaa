"""The `backend` the kill and restart tests run on: a private redis-server, or a cluster."""

from __future__ import annotations

import pytest

from tests.faults.backends import Backend


@pytest.fixture(params=["redis", "redis-cluster"])
def backend(request: pytest.FixtureRequest) -> Backend:
    """A fresh single Redis, or the session's 3-master Redis Cluster flushed empty."""
    if request.param == "redis":
        return Backend(url=request.getfixturevalue("redis_factory")().url)
    return Backend.of_cluster(request.getfixturevalue("redis_cluster"))
