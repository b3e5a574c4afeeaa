"""Emergency-plan configuration (应急预案): conditions, resolve rules, escalation."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from config.base import Section

SignalName = Literal["comment", "sensitive", "negative", "metric", "stream", "activity", "any"]
PLAN_ID = r"^[a-z0-9_\-]{1,64}$"


class CountCondition(Section):
    """At least `min` matching signals in the last `window` seconds."""

    type: Literal["count"]
    signal: SignalName
    category: str | list[str] = ""
    min: int = Field(ge=1)
    window: float = Field(gt=0, le=86_400)


class RatioCondition(Section):
    """Matching signals are at least `min_ratio` of `of` signals (and `of` >= min_total)."""

    type: Literal["ratio"]
    signal: SignalName
    category: str | list[str] = ""
    of: SignalName = "comment"
    min_ratio: float = Field(gt=0, le=1)
    min_total: int = Field(1, ge=1)
    window: float = Field(gt=0, le=86_400)


class RateCondition(Section):
    """Signals per second over `window` reach `factor` x the room's own baseline rate."""

    type: Literal["rate"]
    signal: SignalName = "comment"
    category: str | list[str] = ""
    factor: float = Field(gt=1)
    window: float = Field(gt=0, le=3_600)
    baseline_half_life: float = Field(300.0, gt=0, le=86_400)
    warmup: float = Field(60.0, ge=0, le=86_400, description="history needed before judging")
    min_baseline: float = Field(0.1, gt=0, description="floor of the baseline rate (per second)")
    min_count: int = Field(10, ge=1)


class DropCondition(Section):
    """A metric fell by `fraction` from its highest value within `window` seconds."""

    type: Literal["drop"]
    metric: str = Field(min_length=1)
    fraction: float = Field(gt=0, lt=1)
    window: float = Field(gt=0, le=86_400)
    min_value: float = Field(0.0, ge=0, description="ignore drops from peaks below this")


class ThresholdCondition(Section):
    """A metric (or the stream state, 1 live / 0 interrupted / -1 ended) compares to `value`
    for `for_` seconds."""

    type: Literal["threshold"]
    signal: Literal["metric", "stream"] = "metric"
    metric: str = ""
    op: Literal["<", "<=", ">", ">=", "==", "!="]
    value: float
    for_: float = Field(0.0, ge=0, le=86_400, alias="for")

    @model_validator(mode="after")
    def _metric_named(self) -> ThresholdCondition:
        if self.signal == "metric" and not self.metric:
            raise ValueError("metric: is required when signal is metric")
        return self


class AbsenceCondition(Section):
    """No matching signal for a room for `for_` seconds (a dead collector or room)."""

    type: Literal["absence"]
    signal: SignalName = "any"
    for_: float = Field(gt=0, le=86_400, alias="for")
    # Count the silence only while the room's stream is not reported ended: after the
    # host ends the broadcast, no events is what is expected.
    while_live: bool = False


class AllCondition(Section):
    """Every sub-condition holds."""

    type: Literal["all"]
    of: list[Condition] = Field(min_length=1)


class AnyCondition(Section):
    """At least one sub-condition holds."""

    type: Literal["any"]
    of: list[Condition] = Field(min_length=1)


Condition = Annotated[
    CountCondition
    | RatioCondition
    | RateCondition
    | DropCondition
    | ThresholdCondition
    | AbsenceCondition
    | AllCondition
    | AnyCondition,
    Field(discriminator="type"),
]


class ResolveRule(Section):
    """Auto-resolve once the condition has been clear for `hold` seconds, or manual only."""

    mode: Literal["auto", "manual"] = "auto"
    hold: float = Field(60.0, ge=0, le=86_400)


class PlanConfig(Section):
    """One emergency plan: when it fires, what to do, how fast, who is told."""

    id: str = Field(pattern=PLAN_ID)
    name: str = Field(min_length=1)
    severity: Literal["info", "warning", "critical"] = "warning"
    steps: list[str] = Field(default_factory=list)
    when: Condition
    group_by: Literal["room", "user"] = "room"
    ack_deadline: float = Field(120.0, gt=0, le=86_400)
    resolve_deadline: float | None = Field(
        None, gt=0, le=604_800, description="seconds from ack to resolve before escalating"
    )
    resolve: ResolveRule = ResolveRule()
    cooldown: float = Field(30.0, ge=0, le=86_400, description="quiet time after a resolve")
    reopen_within: float = Field(
        120.0, ge=0, le=86_400, description="re-fire this soon after resolve reopens the alert"
    )
    escalation: str = Field("", description="ladder id; empty = chosen by notify routes")
    labels: dict[str, str] = Field(default_factory=dict)
    enabled: bool = True

    @model_validator(mode="before")
    @classmethod
    def _first_version_keys(cls, data: Any) -> Any:
        # The first schema had `count: {...}` and `resolve_hold`; keep such files loading.
        if isinstance(data, dict) and "count" in data and "when" not in data:
            data = dict(data)
            count = data.pop("count")
            data["when"] = {"type": "count", **count} if isinstance(count, dict) else count
            if "resolve_hold" in data and "resolve" not in data:
                data["resolve"] = {"mode": "auto", "hold": data.pop("resolve_hold")}
        return data

    @model_validator(mode="after")
    def _grouping_fits(self) -> PlanConfig:
        if self.group_by == "user":
            for leaf in leaves(self.when):
                if not isinstance(leaf, CountCondition | RatioCondition):
                    raise ValueError(
                        f"group_by user: only count and ratio conditions have a user "
                        f"(found {leaf.type})"
                    )
        return self


class PlansConfig(Section):
    """Plans inline (`items`) and/or loaded from YAML files in `dir` (relative to the config)."""

    dir: str = ""
    items: list[PlanConfig] = Field(default_factory=list)


def leaves(cond: Condition) -> list[Condition]:
    """Return the leaf conditions of a (possibly combined) condition."""
    if isinstance(cond, AllCondition | AnyCondition):
        return [leaf for sub in cond.of for leaf in leaves(sub)]
    return [cond]


AllCondition.model_rebuild()
AnyCondition.model_rebuild()
