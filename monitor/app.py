"""The composition root: build every long-lived part from the config; start and stop them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import CollectorRegistry, GCCollector, PlatformCollector, ProcessCollector

from alerts.alerting import Alerting
from alerts.clock import Clock, SystemClock
from alerts.manager import AlertManager
from alerts.metrics import AlertMetrics
from alerts.plans import Plan, PlanEngine
from alerts.response import ResponseTimes
from alerts.store.base import AlertStore
from alerts.store.memory import MemoryStore
from alerts.tasks import stop_tasks
from config.schema import Config
from config.sources import SimulatorSource
from monitor.collectors.base import Collector, supervise
from monitor.collectors.factory import build_platform_sources
from monitor.collectors.simulator import RoomSimulator
from monitor.detect.base import Detector
from monitor.detect.detector import LexiconDetector
from monitor.detect.source import Compiler
from monitor.events import AnyEvent
from monitor.feed import FeedHub
from monitor.looplag import measure_loop_lag
from monitor.metrics import CallbackGauges, ServiceMetrics
from monitor.negative_ratio import NegativeRatio
from monitor.offload import DetectorProcesses
from monitor.pipeline import Pipeline
from monitor.supervision.service import Supervision
from monitor.web.ingest import IngestEndpoint

if TYPE_CHECKING:
    from monitor.cluster.setup import ClusterParts

log = logging.getLogger(__name__)

RoutePlugin = Callable[[web.Application], None]
Teardown = Callable[[], Awaitable[None]]


@dataclass
class Service:
    """Every long-lived part of a running roomwatch, wired together."""

    config: Config
    clock: Clock
    registry: CollectorRegistry
    metrics: ServiceMetrics
    alert_metrics: AlertMetrics
    store: AlertStore
    detector: Detector
    engine: PlanEngine
    manager: AlertManager
    feed: FeedHub
    pipeline: Pipeline
    negative_ratio: NegativeRatio
    collectors: list[Collector] = field(default_factory=list)
    route_plugins: list[RoutePlugin] = field(default_factory=list)
    cluster: ClusterParts | None = None  # set in cluster mode (monitor/cluster)
    jobs: list[tuple[str, Callable[[], Awaitable[None]]]] = field(default_factory=list)
    alerting: Alerting | None = None  # escalation ladders and notifiers
    supervision: Supervision | None = None  # questions, broadcasts and their reviews
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _teardown: list[tuple[str, Teardown]] = field(default_factory=list)

    async def emit(self, event: AnyEvent) -> bool:
        """Hand an event from a source to the pipeline (waits when the queue is full)."""
        return await self.pipeline.put(event)

    def on_teardown(self, name: str, step: Teardown) -> None:
        """Register a teardown step; steps run last-in first-out on stop."""
        self._teardown.append((name, step))

    def spawn(self, coro: Awaitable[None], name: str) -> asyncio.Task[None]:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        task.set_name(name)
        self._tasks.append(task)
        return task

    async def start(self) -> None:
        """Start the pipeline workers, the ticker and every collector."""
        await self.alert_metrics.sync(self.store)
        if self.supervision is not None:
            await self.supervision.resume()
        if (offload := self.pipeline.offload) is not None:
            try:
                await offload.start()
            except (RuntimeError, OSError) as exc:
                log.error("%s; detecting in this process instead", exc)
                await offload.stop()
                self.pipeline.offload = None
        self.spawn(self.pipeline.run(), "pipeline")
        self.spawn(self._ticker(), "ticker")
        for name, job in self.jobs:
            self.spawn(job(), name)
        if self.alerting is not None:
            await self.alerting.start(self.spawn)
        for collector in self.collectors:
            self.spawn(supervise(collector, self.emit, self.metrics), f"source:{collector.name}")

    async def _ticker(self) -> None:
        interval = self.config.pipeline.tick_interval
        while True:
            await asyncio.sleep(interval)
            try:
                await self.pipeline.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("plan tick failed")

    async def settle(self, within: float = 10.0) -> bool:
        """Wait until every event taken so far has been processed; False when time ran out.

        On the Redis store that means written to its stream, read and acknowledged (drills,
        replay and tests that look at the results right after handing events in).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        if (cluster := self.cluster) is not None:
            while cluster.router.pending or await cluster.backlog.unprocessed():
                if loop.time() >= deadline:
                    return False
                await asyncio.sleep(0.02)
        return await self.pipeline.drain(max(0.0, deadline - loop.time()))

    async def readiness(self) -> dict[str, bool]:
        try:
            store_ok = await asyncio.wait_for(self.store.ping(), 2.0)
        except Exception:
            store_ok = False
        return {"store": store_ok, "pipeline": self.pipeline.accepting}

    async def stop(self) -> None:
        """Stop intake, drain the queue, cancel tasks, then run teardown steps LIFO."""
        self.pipeline.stop_intake()
        sources = [t for t in self._tasks if t.get_name().startswith("source:")]
        await _cancel(sources)
        await self.pipeline.drain(self.config.pipeline.drain_timeout)
        await _cancel([t for t in self._tasks if t not in sources])
        self._tasks.clear()
        for name, step in reversed(self._teardown):
            try:
                await asyncio.wait_for(step(), 10.0)
            except Exception:
                log.exception("teardown step %s failed", name)
        self._teardown.clear()


async def _cancel(tasks: list[asyncio.Task[None]]) -> None:
    # stop_tasks asks again when a cancel is lost, so stop never hangs on one task.
    await stop_tasks(tasks)


def build_store(config: Config) -> AlertStore:
    """Return the configured store: memory (embedded default) or Redis."""
    if config.store.kind == "redis":
        from alerts.store.connect import RedisTarget
        from alerts.store.redis import RedisStore  # type: ignore[import-not-found, unused-ignore]

        redis_store: AlertStore = RedisStore.from_target(
            RedisTarget.from_config(config.store), prefix=config.store.key_prefix
        )
        return redis_store
    return MemoryStore()


def build_detector(
    config: Config, registry: CollectorRegistry | None = None, *, compiler: Compiler | None = None
) -> LexiconDetector:
    """Return the lexicon and sentiment detector (its lexicon reloads when files change);
    `compiler`: see `LexiconDetector`."""
    return LexiconDetector(config.detection, config.base_dir, registry=registry, compiler=compiler)


def build_plans(config: Config) -> list[Plan]:
    return [Plan.from_config(p) for p in config.plans.items if p.enabled]


def build_service(
    config: Config,
    *,
    clock: Clock | None = None,
    registry: CollectorRegistry | None = None,
    store: AlertStore | None = None,
    compiler: Compiler | None = None,
) -> Service:
    """Wire every component of the service from the configuration.

    `compiler` is passed to the detector (`LexiconDetector`): None compiles its lexicon anew;
    tests pass one that shares a compiled lexicon between the services they build.
    """
    clock = clock or SystemClock()
    if registry is None:
        registry = CollectorRegistry()
        ProcessCollector(registry=registry)
        PlatformCollector(registry=registry)
        GCCollector(registry=registry)
    metrics = ServiceMetrics(registry)
    metrics.init_sources(s.id for s in config.sources)
    # Response-time series start at zero for each room's controllers (not supervisors or
    # admins, who rarely answer first).
    room_controllers: dict[str, list[str]] = {}
    for person in config.people.users:
        if person.role == "controller":
            for room_id in person.rooms:
                room_controllers.setdefault(room_id, []).append(person.id)
    alert_metrics = AlertMetrics(
        registry,
        controllers_by_room=room_controllers,
        detail=config.server.metrics_response_detail,
    )
    alert_metrics.init_notifiers(n.id for n in config.notifiers)
    negative_ratio = NegativeRatio([r.id for r in config.rooms], clock)
    registry.register(
        CallbackGauges(
            "roomwatch_negative_ratio",
            f"Share of a room's comments flagged negative in the last {negative_ratio.window}s.",
            ["room"],
            negative_ratio.read,
        )
    )
    store = store or build_store(config)
    plans = build_plans(config)
    manager = AlertManager(store, clock, plans)
    feed = FeedHub(store, metrics)
    manager.subscribe(feed.on_alert_change)
    manager.subscribe(alert_metrics.on_alert_change)
    manager.subscribe(ResponseTimes(alert_metrics).on_change)
    engine = PlanEngine(plans, rooms=[r.id for r in config.rooms])
    detector = build_detector(config, registry, compiler=compiler)
    # Naming a room's own platform is no diversion there (detection.own_platform_terms).
    detector.platforms = {r.id: r.platform for r in config.rooms}
    pipeline = Pipeline(
        detector=detector,
        engine=engine,
        manager=manager,
        metrics=metrics,
        clock=clock,
        queue_size=config.pipeline.queue_size,
        workers=config.pipeline.workers,
        on_flag=feed.on_flag,
        negative_ratio=negative_ratio,
    )
    pipeline.platforms = detector.platforms
    service = Service(
        config=config,
        clock=clock,
        registry=registry,
        metrics=metrics,
        alert_metrics=alert_metrics,
        store=store,
        detector=pipeline.detector,
        engine=engine,
        manager=manager,
        feed=feed,
        pipeline=pipeline,
        negative_ratio=negative_ratio,
    )
    service.on_teardown("store", store.close)
    if config.pipeline.detect_processes:
        offload = DetectorProcesses(
            config.detection,
            config.base_dir,
            detector,
            config.pipeline.detect_processes,
            on_restart=metrics.detector_restarts.inc,
        )
        pipeline.offload = offload
        service.on_teardown("detector-processes", offload.stop)
    service.alerting = Alerting(
        config.notifiers, config.escalation, store, manager, clock, alert_metrics, config.people
    )
    service.on_teardown("notify", service.alerting.close)
    service.supervision = build_supervision(service)
    pipeline.watcher = service.supervision
    from monitor.web.admin import register_admin_routes

    service.route_plugins.append(register_admin_routes(manager, service.alerting.dispatcher))
    _attach_redis_parts(service)
    service.jobs.append(("lexicon-watch", detector.watch))
    service.jobs.append(("loop-lag", partial(measure_loop_lag, metrics.loop_lag)))
    service.jobs.append(("alert-metrics", partial(alert_metrics.resync_forever, store)))
    all_rooms = [r.id for r in config.rooms]
    if ingest_sources := config.ingest_sources():
        # One endpoint serves every http_ingest source; the bearer token picks the source.
        service.route_plugins.append(IngestEndpoint(service, ingest_sources).register)
    for src in config.sources:
        if isinstance(src, SimulatorSource):
            service.collectors.append(
                RoomSimulator(
                    name=src.id,
                    rooms=list(src.rooms) or all_rooms,
                    rate=src.rate,
                    incident_every=src.incident_every,
                    clock=clock,
                    metrics=metrics,
                    seed=src.seed,
                    first_incident=src.first_incident,
                )
            )
    platform = build_platform_sources(config, metrics, pipeline.commit_many, store)
    service.collectors.extend(platform.collectors)
    service.route_plugins.extend(platform.route_plugins)
    for name, step in platform.teardown:
        service.on_teardown(name, step)
    return service


def build_supervision(service: Service) -> Supervision:
    """Return the questions and broadcasts part; reviews are announced through the notifiers."""
    from monitor.detect.questions import classify_question

    dispatcher = service.alerting.dispatcher if service.alerting is not None else None
    return Supervision(
        service.config,
        service.store,
        service.clock,
        service.registry,
        classify_question,
        dispatcher.submit if dispatcher is not None else None,
    )


def _attach_redis_parts(service: Service) -> None:
    """Report failed Redis writes; add leases, input streams and feed fan-out.

    Every instance on the Redis store takes events through its rooms' input streams (one
    instance is a cluster of one), so what ingest and callbacks answer 200 for is in Redis
    before the answer and survives a kill -9 (docs/scaling.md).
    """
    from alerts.store.redis import RedisStore

    if not isinstance(service.store, RedisStore):
        return
    from monitor.cluster.metrics import ClusterMetrics
    from monitor.cluster.setup import attach_cluster, instrument_store

    metrics = ClusterMetrics(service.registry)
    instrument_store(service.store, metrics)
    service.cluster = attach_cluster(service, metrics)
