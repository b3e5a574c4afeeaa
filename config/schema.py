"""The configuration schema: the root and the service-wide sections.

Every default lives on a field here or in the section modules beside this one;
cross-field rules are checked in Config's validator.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from config.base import Section
from config.detection import DetectionConfig
from config.notify import EscalationConfig, NotifierConfig
from config.people import PeopleConfig, people_problems
from config.plans import PlansConfig
from config.sources import HttpIngestSource, SourceConfig
from config.store import StoreConfig
from config.supervision import ReplyAccount, SupervisionConfig

ROOM_ID = r"^[A-Za-z0-9_.:\-]{1,64}$"


class ServerConfig(Section):
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=0, le=65535)
    metrics_public: bool = True
    language: Literal["zh", "en"] = "zh"
    # TLS termination (docs/security.md): requests from these addresses or networks may
    # say who the client is (X-Forwarded-For) and that it used HTTPS (X-Forwarded-Proto).
    trusted_proxies: list[str] = Field(default_factory=list)
    secure_cookies: bool = False  # always mark the session cookie Secure
    # Other origins (scheme://host[:port]) whose pages may act and open the feed.
    allowed_origins: list[str] = Field(default_factory=list)
    metrics_token: str = ""  # when set, /metrics needs "Authorization: Bearer <it>" (${ENV})
    metrics_listen: str = Field("", pattern=r"^$|^[A-Za-z0-9_.:\-\[\]]*:[0-9]{1,5}$")
    # Response-time histograms (docs/metrics.md): `bounded` by controller and by room, a
    # couple of series per room; `full` by room x plan x controller (a few rooms only).
    metrics_response_detail: Literal["bounded", "full"] = "bounded"

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for i, item in enumerate(value):
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"[{i}] {item!r} is not an address or network") from None
        return value

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        for i, item in enumerate(value):
            if not re.fullmatch(r"https?://[A-Za-z0-9.\-\[\]:]+", item):
                raise ValueError(f"[{i}] {item!r} is not scheme://host[:port]")
        return value

    # A connection must send a complete request head within header_timeout of opening (or
    # of its previous answer), and a request body must arrive within body_timeout.
    header_timeout: float = Field(15.0, gt=0, le=3600)
    body_timeout: float = Field(30.0, gt=0, le=3600)


class PipelineConfig(Section):
    queue_size: int = Field(10_000, ge=10, le=10_000_000)
    # Events of one room always go to the same worker, in order; several workers let one
    # room's wait on the store overlap with other rooms' work.
    workers: int = Field(8, ge=1, le=64)
    drain_timeout: float = Field(5.0, ge=0, le=300)
    tick_interval: float = Field(1.0, gt=0, le=60)
    # Detection in this many child processes (0: in the instance's own process). One
    # lets an instance use a second core; see docs/scaling.md.
    detect_processes: int = Field(0, ge=0, le=16)


class ClusterConfig(Section):
    """Room leases, input streams, feed fan-out: every instance on the Redis store runs them."""

    # Accepted for older configs: the Redis store always takes events through the input
    # streams (one instance is a cluster of one), so what is answered 200 is durable.
    enabled: bool = False
    instance_id: str = Field("", pattern=r"^[A-Za-z0-9_.:\-]{0,64}$")  # empty: host-pid
    lease_ttl: float = Field(5.0, ge=0.5, le=120)
    # Unprocessed entries (pending + not yet read) ingest lets wait in the input streams,
    # across every room and in any one room; past either, ingest answers 503 + Retry-After.
    max_backlog: int = Field(20_000, ge=100, le=100_000_000)
    max_room_backlog: int = Field(10_000, ge=100, le=100_000_000)
    read_batch: int = Field(500, ge=1, le=10_000)


class RoomConfig(Section):
    id: str = Field(pattern=ROOM_ID)
    name: str = ""
    platform: Literal["douyin", "bilibili", "tiktok", "kuaishou", "inhouse", "simulated"] = (
        "inhouse"
    )
    # The room's own accounts: their comments are replies to viewers' questions.
    reply_accounts: list[ReplyAccount] = Field(default_factory=list)
    # Notifier ids told of this room's broadcast reviews (besides supervision.review.notify).
    review_notify: list[str] = Field(default_factory=list)


class Config(Section):
    server: ServerConfig = ServerConfig()
    store: StoreConfig = StoreConfig()
    pipeline: PipelineConfig = PipelineConfig()
    cluster: ClusterConfig = ClusterConfig()
    rooms: list[RoomConfig] = Field(default_factory=list)
    sources: list[SourceConfig] = Field(default_factory=list)
    detection: DetectionConfig = DetectionConfig()
    plans: PlansConfig = PlansConfig()
    people: PeopleConfig = PeopleConfig()
    notifiers: list[NotifierConfig] = Field(default_factory=list)
    escalation: EscalationConfig = EscalationConfig()
    supervision: SupervisionConfig = SupervisionConfig()
    base_dir: Path = Field(default_factory=Path.cwd, exclude=True)

    def problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Return cross-field errors as (key path, message); empty when consistent."""
        out: list[tuple[tuple[str | int, ...], str]] = []
        known: set[str] = set()
        for i, room in enumerate(self.rooms):
            if room.id in known:
                out.append((("rooms", i, "id"), f"duplicate room id {room.id!r}"))
            known.add(room.id)
        source_ids: set[str] = set()
        tokens: set[str] = set()
        for i, src in enumerate(self.sources):
            if src.id in source_ids:
                out.append((("sources", i, "id"), f"duplicate source id {src.id!r}"))
            source_ids.add(src.id)
            if isinstance(src, HttpIngestSource):
                # A token picks the source (and its rooms); two sources cannot share one.
                if src.token in tokens:
                    out.append((("sources", i, "token"), "token already used by another source"))
                tokens.add(src.token)
            refs = getattr(src, "room_refs", None)
            named = (
                refs() if refs is not None else [(("rooms", j), r) for j, r in enumerate(src.rooms)]
            )
            for path, room_id in named:
                if room_id not in known:
                    out.append((("sources", i, *path), f"unknown room {room_id!r}"))
        out.extend(people_problems(self.people, known))
        store = self.store
        if store.kind == "redis" and not (store.redis_url or store.sentinel or store.cluster):
            why = "is required when store.kind is redis (or store.sentinel, or store.cluster)"
            out.append((("store", "redis_url"), why))
        if store.cluster is not None and store.kind != "redis":
            out.append((("store", "cluster"), "needs store.kind: redis"))
        if self.cluster.enabled and self.store.kind != "redis":
            out.append((("cluster", "enabled"), "needs store.kind redis (instances share Redis)"))
        plan_ids: set[str] = set()
        for i, plan in enumerate(self.plans.items):
            if plan.id in plan_ids:
                out.append((("plans", "items", i, "id"), f"duplicate plan id {plan.id!r}"))
            plan_ids.add(plan.id)
            if plan.escalation and plan.escalation not in self.escalation.ladder_ids():
                path = ("plans", "items", i, "escalation")
                out.append((path, f"unknown ladder {plan.escalation!r}"))
        notifier_ids: set[str] = set()
        for i, notifier in enumerate(self.notifiers):
            if notifier.id in notifier_ids:
                out.append((("notifiers", i, "id"), f"duplicate notifier id {notifier.id!r}"))
            notifier_ids.add(notifier.id)
        person_ids = {u.id for u in self.people.users}
        out.extend(self.escalation.problems(notifier_ids, person_ids=person_ids))
        out.extend(self._supervision_problems(notifier_ids))
        return out

    def _supervision_problems(
        self, notifier_ids: set[str]
    ) -> list[tuple[tuple[str | int, ...], str]]:
        """Return review notifiers that do not exist or cannot carry a review."""
        out: list[tuple[tuple[str | int, ...], str]] = []
        kinds = {n.id: n.type for n in self.notifiers}
        person_ids = {p.id for p in self.people.users}
        named: list[tuple[tuple[str | int, ...], str]] = [
            (("supervision", "review", "notify", j), nid)
            for j, nid in enumerate(self.supervision.review.notify)
        ]
        for i, room in enumerate(self.rooms):
            named += [
                (("rooms", i, "review_notify", j), n) for j, n in enumerate(room.review_notify)
            ]
            for j, acct in enumerate(room.reply_accounts):
                if acct.person and acct.person not in person_ids:
                    where: tuple[str | int, ...] = ("rooms", i, "reply_accounts", j, "person")
                    out.append((where, f"unknown user {acct.person!r}"))
        for path, nid in named:
            if nid not in notifier_ids:
                out.append((path, f"unknown notifier {nid!r}"))
            elif kinds.get(nid) == "alertmanager":
                out.append((path, "alertmanager notifiers carry alerts, not reviews"))
        return out

    def ingest_sources(self) -> list[HttpIngestSource]:
        return [s for s in self.sources if isinstance(s, HttpIngestSource)]
