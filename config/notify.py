"""Notifier, routing and escalation-ladder configuration (webhooks, chat robots, Alertmanager)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from config.base import Section

NOTIFIER_ID = r"^[A-Za-z0-9_.\-]{1,64}$"
Severity = Literal["info", "warning", "critical"]


class RetryConfig(Section):
    """Exponential backoff with jitter between delivery attempts."""

    attempts: int = Field(5, ge=1, le=50)
    base_delay: float = Field(1.0, gt=0, le=600)
    max_delay: float = Field(60.0, gt=0, le=3_600)
    jitter: float = Field(0.2, ge=0, le=1, description="± share of each delay chosen at random")


class BudgetConfig(Section):
    """How many messages a destination takes (0: no limit) and how long a refusal pauses it.

    The defaults of each robot keep one message below its documented limit: DingTalk and
    WeCom take 20 a minute per robot (DingTalk then refuses for 10 minutes), a Feishu
    custom bot 5 a second and 100 a minute.
    """

    per_second: int = Field(0, ge=0, le=10_000)
    per_minute: int = Field(0, ge=0, le=100_000)
    throttle_pause: float = Field(
        60.0, ge=0, le=86_400, description="pause after a throttle answer without Retry-After"
    )


CONSOLE_URL = r"^(https?://\S+)?$"


class _NotifierBase(Section):
    id: str = Field(pattern=NOTIFIER_ID)
    url: str = Field(pattern=r"^https?://", description="http(s) URL of the receiver")
    timeout: float = Field(5.0, gt=0, le=120)
    retry: RetryConfig = RetryConfig()
    queue_size: int = Field(1_000, ge=1, le=1_000_000)
    budget: BudgetConfig = BudgetConfig()
    console_url: str = Field(
        "", pattern=CONSOLE_URL, description="console base URL; messages link <url>/#alert-<id>"
    )


class WebhookNotifier(_NotifierBase):
    """Generic signed JSON webhook (body version 1)."""

    type: Literal["webhook"]
    secret: str = Field("", description="HMAC-SHA256 key; empty sends unsigned")
    signature_header: str = "X-Roomwatch-Signature"
    headers: dict[str, str] = Field(default_factory=dict)


class DingTalkNotifier(_NotifierBase):
    """DingTalk group robot (钉钉机器人); `secret` is the 加签 key (timestamp + sign on the URL)."""

    type: Literal["dingtalk"]
    secret: str = ""
    at_mobiles: list[str] = Field(default_factory=list)
    budget: BudgetConfig = BudgetConfig(per_minute=19, throttle_pause=600.0)


class FeishuNotifier(_NotifierBase):
    """Feishu/Lark custom bot (飞书机器人); `secret` signs timestamp + sign in the body."""

    type: Literal["feishu"]
    secret: str = ""
    budget: BudgetConfig = BudgetConfig(per_second=4, per_minute=95, throttle_pause=60.0)


class WeComNotifier(_NotifierBase):
    """WeCom group robot (企业微信机器人); the key is part of the URL."""

    type: Literal["wecom"]
    mentioned_mobiles: list[str] = Field(default_factory=list)
    budget: BudgetConfig = BudgetConfig(per_minute=19, throttle_pause=60.0)


class AlertmanagerNotifier(_NotifierBase):
    """Prometheus Alertmanager: POST {url}/api/v2/alerts, resolved alerts included."""

    type: Literal["alertmanager"]
    generator_url: str = Field("", description="console base URL linked from each alert")
    resend_every: float = Field(
        60.0,
        ge=0,
        le=3600,
        description="re-send open alerts this often; each stays active for 4x this (0: never)",
    )


NotifierConfig = Annotated[
    WebhookNotifier | DingTalkNotifier | FeishuNotifier | WeComNotifier | AlertmanagerNotifier,
    Field(discriminator="type"),
]


Role = Literal["room_controllers", "team_supervisors", "everyone"]


class LadderLevel(Section):
    """One rung: `after` seconds past the breached deadline, notify these notifiers.

    `mention` (roles) and `people` (user ids) say whom the robots of `notify` ping: the
    room's controllers, the supervisors of the room's teams, everyone in the group, or
    named people, each by the handle that robot pings (people.users[].mobile, ...).
    """

    after: float = Field(0.0, ge=0, le=604_800)
    notify: list[str] = Field(default_factory=list)
    mention: list[Role] = Field(default_factory=list)
    people: list[str] = Field(default_factory=list)


class RepeatConfig(Section):
    """After the last level, notify it again every `every` s, growing by `backoff`."""

    every: float = Field(300.0, gt=0, le=86_400)
    backoff: float = Field(2.0, ge=1, le=10)
    max_interval: float = Field(3_600.0, gt=0, le=604_800)
    max_times: int = Field(10, ge=0, le=100)


class LadderConfig(Section):
    """How an alert escalates once its ack or resolve deadline has passed."""

    id: str = Field(pattern=NOTIFIER_ID)
    levels: list[LadderLevel] = Field(min_length=1)
    repeat: RepeatConfig = RepeatConfig()
    at_once: list[Severity] = Field(
        default_factory=lambda: list[Severity](["critical"]),
        description="severities whose alerts notify level 1 as soon as they fire",
    )
    notify_resolved: bool = True

    @model_validator(mode="after")
    def _levels_in_order(self) -> LadderConfig:
        afters = [lv.after for lv in self.levels]
        if afters != sorted(afters):
            raise ValueError("levels: `after` must not decrease from one level to the next")
        return self


class RouteMatch(Section):
    """Empty lists match everything; every given field must match."""

    rooms: list[str] = Field(default_factory=list)
    teams: list[str] = Field(default_factory=list)
    severities: list[Severity] = Field(default_factory=list)
    plans: list[str] = Field(default_factory=list)
    labels: dict[str, str] = Field(default_factory=dict)


class RouteConfig(Section):
    """The first route whose match fits an alert picks its ladder."""

    match: RouteMatch = RouteMatch()
    ladder: str


class EscalationConfig(Section):
    """Ladders and routes; without any, alerts still step through levels 1 and 2 silently."""

    default_ladder: str = "default"
    ladders: list[LadderConfig] = Field(default_factory=list)
    routes: list[RouteConfig] = Field(default_factory=list)
    tick_interval: float = Field(1.0, gt=0, le=60)

    def problems(
        self,
        notifier_ids: set[str],
        base: tuple[str | int, ...] = ("escalation",),
        person_ids: set[str] | None = None,
    ) -> list[tuple[tuple[str | int, ...], str]]:
        """Return references to unknown notifiers, people or ladders, with their key paths."""
        out: list[tuple[tuple[str | int, ...], str]] = []
        ladder_ids: set[str] = set()
        for i, ladder in enumerate(self.ladders):
            if ladder.id in ladder_ids:
                out.append(((*base, "ladders", i, "id"), f"duplicate ladder id {ladder.id!r}"))
            ladder_ids.add(ladder.id)
            for j, level in enumerate(ladder.levels):
                for k, nid in enumerate(level.notify):
                    if nid not in notifier_ids:
                        path = (*base, "ladders", i, "levels", j, "notify", k)
                        out.append((path, f"unknown notifier {nid!r}"))
                for k, pid in enumerate(level.people):
                    if person_ids is not None and pid not in person_ids:
                        path = (*base, "ladders", i, "levels", j, "people", k)
                        out.append((path, f"unknown user {pid!r}"))
        if self.ladders and self.default_ladder not in ladder_ids:
            out.append(((*base, "default_ladder"), f"unknown ladder {self.default_ladder!r}"))
        for i, route in enumerate(self.routes):
            if route.ladder not in ladder_ids:
                out.append(((*base, "routes", i, "ladder"), f"unknown ladder {route.ladder!r}"))
        return out

    def ladder_ids(self) -> set[str]:
        return {ladder.id for ladder in self.ladders} or {self.default_ladder}
