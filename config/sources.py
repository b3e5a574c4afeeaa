"""Source configuration: one entry per collector, discriminated by `type`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from config.base import Section
from config.collectors import (
    BilibiliOpenSource,
    BilibiliSource,
    DouyinOpenSource,
    DouyinSource,
    GenericWsSource,
    KuaishouSource,
    ReplaySource,
    TikTokSource,
)


class SimulatorSource(Section):
    """Synthetic live-room traffic in Chinese, for the demo and drills."""

    type: Literal["simulator"]
    id: str = "simulator"
    rooms: list[str] = Field(default_factory=list, description="rooms to simulate; empty = all")
    rate: float = Field(8.0, gt=0, le=10_000, description="comments per second per room")
    seed: int | None = None
    incident_every: float = Field(45.0, gt=0, description="seconds between scripted incidents")
    first_incident: float = Field(5.0, ge=0, description="seconds until the first incident")


class HttpIngestSource(Section):
    """POST /api/v1/ingest with a bearer token (JSON array or NDJSON)."""

    type: Literal["http_ingest"]
    id: str = "ingest"
    token: str = Field(min_length=8)
    rooms: list[str] = Field(
        default_factory=list, description="rooms this token may write; empty = all"
    )
    max_body_bytes: int = Field(1_048_576, ge=1024, le=64 * 1_048_576)
    max_events: int = Field(5_000, ge=1, le=100_000)


SourceConfig = Annotated[
    SimulatorSource
    | HttpIngestSource
    | DouyinSource
    | DouyinOpenSource
    | TikTokSource
    | KuaishouSource
    | BilibiliSource
    | BilibiliOpenSource
    | GenericWsSource
    | ReplaySource,
    Field(discriminator="type"),
]
