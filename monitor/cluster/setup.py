"""Wire cluster mode into a Service: leases, stream intake, feed fan-out, store error reports."""

from __future__ import annotations

import logging
import os
import socket
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from alerts.store.redis import RedisStore
from alerts.store.resp_cluster import ClusterRespClient
from monitor.cluster.backlog import StreamBacklog
from monitor.cluster.feedbus import RedisFeedBus
from monitor.cluster.handover import WindowHandover
from monitor.cluster.leases import RoomLeases
from monitor.cluster.metrics import ClusterMetrics
from monitor.cluster.router import StreamRouter
from monitor.collectors.redis_stream import RedisStreamConsumer

if TYPE_CHECKING:
    from monitor.app import Service

log = logging.getLogger(__name__)

REPORT_EVERY = 5.0  # seconds between repeated store-error log lines


@dataclass
class ClusterParts:
    """The running pieces of cluster mode, kept for tests and the benchmarks."""

    instance_id: str
    leases: RoomLeases
    consumer: RedisStreamConsumer
    router: StreamRouter
    bus: RedisFeedBus
    backlog: StreamBacklog


def instrument_store(store: RedisStore, metrics: ClusterMetrics) -> None:
    """Count every failed store call and log them (at most once per REPORT_EVERY per op)."""
    last: dict[str, float] = {}
    missed: dict[str, int] = {}

    def report(op: str, exc: Exception) -> None:
        metrics.store_errors.labels(op).inc()
        now = time.monotonic()
        if now - last.get(op, 0.0) >= REPORT_EVERY:
            extra = missed.pop(op, 0)
            log.error(
                "could not %s in redis: %s (%d more failures since the last report)",
                op,
                exc,
                extra,
            )
            last[op] = now
        else:
            missed[op] = missed.get(op, 0) + 1

    store.on_error = report


def default_instance_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def attach_cluster(service: Service, metrics: ClusterMetrics) -> ClusterParts:
    """Switch a service built on a RedisStore to cluster mode (see docs/scaling.md)."""
    store = service.store
    if not isinstance(store, RedisStore):
        raise ValueError("cluster mode needs the Redis store")
    cfg = service.config.cluster
    prefix = service.config.store.key_prefix
    instance_id = cfg.instance_id or default_instance_id()
    rooms = [r.id for r in service.config.rooms]
    client = store.client
    # On Redis Cluster the calls over every room go one per slot, through the store's
    # pipelined client (monitor/cluster/slots.py).
    fast = store.resp if isinstance(store.resp, ClusterRespClient) else None
    leases = RoomLeases(
        client,
        prefix=prefix,
        instance_id=instance_id,
        rooms=rooms,
        ttl=cfg.lease_ttl,
        metrics=metrics,
        fast=fast,
    )
    reader = store.target.resp_any(retries=0)
    service.on_teardown("cluster-reader", reader.close)
    consumer = RedisStreamConsumer(
        client,
        prefix=prefix,
        leases=leases,
        pipeline=service.pipeline,
        rooms=rooms,
        metrics=metrics,
        batch=cfg.read_batch,
        reader=reader,
    )
    backlog = StreamBacklog(
        client,
        prefix=prefix,
        rooms=rooms,
        leases=leases,
        max_total=cfg.max_backlog,
        max_room=cfg.max_room_backlog,
        metrics=metrics,
        fast=fast,
    )
    store_cfg = service.config.store
    intake = store.resp
    if store_cfg.wait_replicas:
        # WAIT holds its connection until the replicas answer: not the store's connection.
        intake = store.target.resp_any(timeout=5.0 + store_cfg.wait_timeout, retries=3)
        service.on_teardown("cluster-intake", intake.close)
    router = StreamRouter(
        intake,
        wait_replicas=store_cfg.wait_replicas,
        wait_timeout=store_cfg.wait_timeout,
        prefix=prefix,
        backlog=backlog,
        metrics=metrics,
        service_metrics=service.metrics,
    )
    bus = RedisFeedBus(
        client,
        prefix=prefix,
        instance_id=instance_id,
        hub=service.feed,
        store=store,
        metrics=metrics,
    )
    service.pipeline.router = router
    # Time-based work (absence windows, auto-resolve) is done by each room's owner only, and
    # a room's windows follow its lease: dropped when it goes, started afresh when it comes.
    service.pipeline.tick_rooms = lambda: leases.owned
    leases.on_gone.append(service.engine.forget)
    leases.on_gained.append(service.engine.forget)
    # On a graceful move the windows go along (a crash loses them: the survivor starts empty).
    handover = WindowHandover(
        client, prefix=prefix, engine=service.engine, keep_for=max(30.0, 10 * cfg.lease_ttl)
    )
    leases.before_gain = handover.load
    leases.before_release = handover.save
    service.collectors.extend([leases, consumer, router, bus, backlog])
    # LIFO: the router flushes, then acks are written, then the leases are given up.
    service.on_teardown("cluster-leases", leases.release_all)
    service.on_teardown("cluster-acks", consumer.flush_acks_quietly)
    service.on_teardown("cluster-router", router.flush)
    service.on_teardown("cluster-feed", bus.flush)
    log.info(
        "cluster mode: instance %s, %d rooms, lease ttl %.1fs, redis: %s",
        instance_id,
        len(rooms),
        cfg.lease_ttl,
        store.target.describe(),
    )
    return ClusterParts(instance_id, leases, consumer, router, bus, backlog)
