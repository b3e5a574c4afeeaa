"""Emergency-plan configuration (应急预案)."""

from __future__ import annotations

from pydantic import Field

from config.base import Section


class CountCondition(Section):
    """At least `min` signals of a kind (and category) in the last `window` seconds."""

    signal: str = Field(pattern="^(comment|sensitive|negative|metric|stream|activity)$")
    category: str = ""
    min: int = Field(ge=1)
    window: float = Field(gt=0, le=86_400)


class PlanConfig(Section):
    id: str = Field(pattern=r"^[a-z0-9_\-]{1,64}$")
    name: str
    severity: str = Field("warning", pattern="^(info|warning|critical)$")
    steps: list[str] = Field(default_factory=list)
    count: CountCondition
    ack_deadline: float = Field(120.0, gt=0)
    resolve_hold: float = Field(60.0, ge=0)


class PlansConfig(Section):
    items: list[PlanConfig] = Field(default_factory=list)
