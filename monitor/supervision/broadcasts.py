"""Broadcasts as sessions: one per room at a time, with its figures per time bucket.

A broadcast starts with the platform's stream event (status live) or a console/API
start, and ends with a stream event (status ended) or a console/API end. While it runs,
every event of its room is folded into the bucket of its time: viewers, comments, likes,
follows, gifts, flagged comments by category, interacting users. docs/supervision.md
defines each figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from alerts.model import Signal, SignalKind
from monitor.events import (
    AnyEvent,
    CommentEvent,
    FollowEvent,
    GiftEvent,
    LikeEvent,
    MemberEvent,
    MetricEvent,
)

MAX_USERS = 1_000_000  # distinct users counted per broadcast (memory bound)
OFFENDERS_KEPT = 10_000


@dataclass(slots=True)
class Bucket:
    """The figures of one time bucket of a broadcast."""

    viewers_max: float = 0.0
    viewers_sum: float = 0.0
    viewers_n: int = 0
    comments: int = 0
    negative: int = 0
    likes: int = 0
    follows: int = 0
    gifts: int = 0
    gift_value: float = 0.0
    flagged: dict[str, int] = field(default_factory=dict)
    interacting: int = 0  # distinct users interacting in this bucket
    _users: set[str] = field(default_factory=set, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "viewers_max": self.viewers_max,
            "viewers_avg": self.viewers_sum / self.viewers_n if self.viewers_n else None,
            "viewers_sum": self.viewers_sum,
            "viewers_n": self.viewers_n,
            "comments": self.comments,
            "negative": self.negative,
            "likes": self.likes,
            "follows": self.follows,
            "gifts": self.gifts,
            "gift_value": round(self.gift_value, 2),
            "flagged": dict(self.flagged),
            "interacting": self.interacting,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Bucket:
        return cls(
            viewers_max=float(d.get("viewers_max", 0.0)),
            viewers_sum=float(d.get("viewers_sum", 0.0)),
            viewers_n=int(d.get("viewers_n", 0)),
            comments=int(d.get("comments", 0)),
            negative=int(d.get("negative", 0)),
            likes=int(d.get("likes", 0)),
            follows=int(d.get("follows", 0)),
            gifts=int(d.get("gifts", 0)),
            gift_value=float(d.get("gift_value", 0.0)),
            flagged={str(k): int(v) for k, v in dict(d.get("flagged", {})).items()},
            interacting=int(d.get("interacting", 0)),
        )


@dataclass(slots=True)
class Broadcast:
    """One broadcast of a room: when, who started and ended it, and its buckets."""

    id: str
    room: str
    started_at: float
    bucket: float
    started_by: str = "platform"
    ended_at: float | None = None
    ended_by: str = ""
    buckets: dict[int, Bucket] = field(default_factory=dict)
    followers_first: float | None = None
    followers_last: float | None = None
    interacting_users: int = 0
    viewers_seen: int = 0
    replies: int = 0  # comments of the room's own accounts
    offenders: dict[str, dict[str, Any]] = field(default_factory=dict)
    _interacting: set[str] = field(default_factory=set, repr=False)
    _seen: set[str] = field(default_factory=set, repr=False)

    def _at(self, ts: float) -> Bucket:
        k = max(0, int((ts - self.started_at) // self.bucket))
        b = self.buckets.get(k)
        if b is None:
            b = self.buckets[k] = Bucket()
        return b

    def _interacts(self, b: Bucket, user: str) -> None:
        if not user:
            return
        if user not in b._users:
            b._users.add(user)
            b.interacting += 1
        if user not in self._interacting and len(self._interacting) < MAX_USERS:
            self._interacting.add(user)
            self.interacting_users += 1
        self._saw(user)

    def _saw(self, user: str) -> None:
        if user and user not in self._seen and len(self._seen) < MAX_USERS:
            self._seen.add(user)
            self.viewers_seen += 1

    def observe(self, event: AnyEvent, flags: list[Signal]) -> None:
        """Fold one event of the room (with its detection flags) into its bucket."""
        b = self._at(event.ts)
        if isinstance(event, CommentEvent):
            b.comments += 1
            self._interacts(b, event.user)
            kinds = {f.kind for f in flags}
            if SignalKind.NEGATIVE in kinds:
                b.negative += 1
            flagged = [f for f in flags if f.kind in (SignalKind.SENSITIVE, SignalKind.NEGATIVE)]
            for f in flagged:
                category = f.category or f.kind.value
                b.flagged[category] = b.flagged.get(category, 0) + 1
            if flagged and event.user:
                self._offend(event, [f.category or f.kind.value for f in flagged])
        elif isinstance(event, MetricEvent):
            if event.name == "online_viewers":
                b.viewers_max = max(b.viewers_max, event.value)
                b.viewers_sum += event.value
                b.viewers_n += 1
            elif event.name == "followers":
                if self.followers_first is None:
                    self.followers_first = event.value
                self.followers_last = event.value
        elif isinstance(event, LikeEvent):
            b.likes += event.count
            self._interacts(b, event.user)
        elif isinstance(event, FollowEvent):
            b.follows += 1
            self._interacts(b, event.user)
        elif isinstance(event, GiftEvent):
            b.gifts += event.count
            b.gift_value += event.value
            self._interacts(b, event.user)
        elif isinstance(event, MemberEvent):
            self._saw(event.user)

    def _offend(self, event: CommentEvent, categories: list[str]) -> None:
        o = self.offenders.get(event.user)
        if o is None:
            if len(self.offenders) >= OFFENDERS_KEPT:
                return
            o = self.offenders[event.user] = {"nickname": event.nickname, "n": 0, "categories": {}}
        o["n"] += 1
        for c in categories:
            o["categories"][c] = o["categories"].get(c, 0) + 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "room": self.room,
            "started_at": self.started_at,
            "bucket": self.bucket,
            "started_by": self.started_by,
            "ended_at": self.ended_at,
            "ended_by": self.ended_by,
            "buckets": {str(k): b.to_dict() for k, b in sorted(self.buckets.items())},
            "followers_first": self.followers_first,
            "followers_last": self.followers_last,
            "interacting_users": self.interacting_users,
            "viewers_seen": self.viewers_seen,
            "replies": self.replies,
            "offenders": self.offenders,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Broadcast:
        """Rebuild a checkpointed broadcast (distinct-user sets restart empty)."""
        return cls(
            id=str(d["id"]),
            room=str(d["room"]),
            started_at=float(d["started_at"]),
            bucket=float(d["bucket"]),
            started_by=str(d.get("started_by", "platform")),
            ended_at=d.get("ended_at"),
            ended_by=str(d.get("ended_by", "")),
            buckets={int(k): Bucket.from_dict(v) for k, v in dict(d.get("buckets", {})).items()},
            followers_first=d.get("followers_first"),
            followers_last=d.get("followers_last"),
            interacting_users=int(d.get("interacting_users", 0)),
            viewers_seen=int(d.get("viewers_seen", 0)),
            replies=int(d.get("replies", 0)),
            offenders=dict(d.get("offenders", {})),
        )
