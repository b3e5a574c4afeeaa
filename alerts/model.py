"""Signals, alerts and their serialised forms.

A Signal is what detection says about one event; an Alert is what a person acts on.
Only alerts.manager changes an Alert; everything else reads copies.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


# The source of signals roomwatch derives itself (a room's unanswered questions, ...): they
# say nothing about whether the room's own data still arrives.
DERIVED_SOURCE = "roomwatch"


class SignalKind(StrEnum):
    COMMENT = "comment"  # every viewer comment, flagged or not (rates, ratios)
    SENSITIVE = "sensitive"  # a comment or speech that hit a lexicon category
    NEGATIVE = "negative"  # a comment with negative sentiment
    METRIC = "metric"  # a named gauge reading (online_viewers, gmv, ...)
    STREAM = "stream"  # stream state: value 1 live, 0 interrupted, -1 ended
    ACTIVITY = "activity"  # any other room event (gift, like, member, follow, speech)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a term matched: the category, the matched term and its span in the original text."""

    category: str
    term: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Signal:
    """One detector finding (or one observation) about a room at a time."""

    room: str
    ts: float
    kind: SignalKind
    category: str = ""
    severity: Severity = Severity.INFO
    name: str = ""
    value: float = 1.0
    user: str = ""
    text: str = ""
    event_id: str = ""
    source: str = ""
    score: float = 0.0
    evidence: tuple[Evidence, ...] = ()


class AlertState(StrEnum):
    FIRING = "firing"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class CommentAction(StrEnum):
    DELETED = "deleted"
    MUTED = "muted"
    REPLIED = "replied"
    FALSE_POSITIVE = "false_positive"


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One thing that happened to an alert: who, what, when."""

    ts: float
    action: str
    actor: str = "system"
    detail: str = ""
    # What `detail` says, for the console to word in its own language: a code from a fixed
    # set (alerts/escalation.py's STEP_CODES) and its values. Empty for free-text details.
    code: str = ""
    args: dict[str, str | int | float] = field(default_factory=dict)
    # What the entry records, when it must be recorded once (an escalation step's key).
    ref: str = ""


@dataclass(frozen=True, slots=True)
class FlaggedComment:
    """A flagged comment grouped into an alert, with how it was handled."""

    event_id: str
    ts: float
    user: str
    text: str
    category: str
    kind: SignalKind
    evidence: tuple[Evidence, ...] = ()
    action: CommentAction | None = None
    handled_at: float | None = None
    handled_by: str | None = None


@dataclass(frozen=True, slots=True)
class Alert:
    """An emergency-plan alert for one room: its state and every transition."""

    id: str
    fingerprint: str
    room: str
    plan_id: str
    plan_name: str
    severity: Severity
    group_key: str
    state: AlertState
    started_at: float
    updated_at: float
    summary: str = ""  # Chinese, as notifications carry it; summary_data rendered
    # Why the plan fired, as alerts.summary describes it ({"kind": "count", ...}); the
    # console renders it in the reader's language. {} on alerts stored before it existed.
    summary_data: dict[str, Any] = field(default_factory=dict)
    steps: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    acked_at: float | None = None
    acked_by: str | None = None
    resolved_at: float | None = None
    resolved_by: str | None = None
    ack_deadline: float | None = None
    resolve_deadline: float | None = None
    escalation_level: int = 0
    condition_clear_since: float | None = None
    comments: tuple[FlaggedComment, ...] = ()
    history: tuple[HistoryEntry, ...] = ()
    version: int = 1

    @property
    def is_open(self) -> bool:
        return self.state is not AlertState.RESOLVED

    def evolve(self, **changes: Any) -> Alert:
        """Return a copy with the given fields changed."""
        return replace(self, **changes)


def fingerprint(room: str, plan_id: str, group_key: str = "") -> str:
    """Return the stable identity of an alert: room + plan + group key."""
    raw = f"{room}\x1f{plan_id}\x1f{group_key}".encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def evidence_to_dict(e: Evidence) -> dict[str, Any]:
    return {"category": e.category, "term": e.term, "start": e.start, "end": e.end}


def evidence_from_dict(d: dict[str, Any]) -> Evidence:
    return Evidence(str(d["category"]), str(d["term"]), int(d["start"]), int(d["end"]))


def signal_to_dict(s: Signal) -> dict[str, Any]:
    return {
        "room": s.room,
        "ts": s.ts,
        "kind": s.kind.value,
        "category": s.category,
        "severity": s.severity.value,
        "name": s.name,
        "value": s.value,
        "user": s.user,
        "text": s.text,
        "event_id": s.event_id,
        "source": s.source,
        "score": s.score,
        "evidence": [evidence_to_dict(e) for e in s.evidence],
    }


def comment_to_dict(c: FlaggedComment) -> dict[str, Any]:
    return {
        "event_id": c.event_id,
        "ts": c.ts,
        "user": c.user,
        "text": c.text,
        "category": c.category,
        "kind": c.kind.value,
        "evidence": [evidence_to_dict(e) for e in c.evidence],
        "action": c.action.value if c.action else None,
        "handled_at": c.handled_at,
        "handled_by": c.handled_by,
    }


def comment_from_dict(d: dict[str, Any]) -> FlaggedComment:
    action = d.get("action")
    return FlaggedComment(
        event_id=str(d["event_id"]),
        ts=float(d["ts"]),
        user=str(d.get("user", "")),
        text=str(d.get("text", "")),
        category=str(d.get("category", "")),
        kind=SignalKind(d.get("kind", SignalKind.SENSITIVE.value)),
        evidence=tuple(evidence_from_dict(e) for e in d.get("evidence", ())),
        action=CommentAction(action) if action else None,
        handled_at=d.get("handled_at"),
        handled_by=d.get("handled_by"),
    )


def comment_change(
    held: tuple[FlaggedComment, ...], new: tuple[FlaggedComment, ...]
) -> tuple[str, tuple[FlaggedComment, ...]]:
    """Return how the comments `held` become `new`: keep, append these, or replace all.

    `new` is usually `held` (nothing changed) or `(held + fresh)[-N:]`: the same comment
    objects followed by new ones, and then only the new ones need writing or sending.
    Tuple comparison checks identity before equality, so this runs at C speed.
    """
    if new is held or new == held:
        return "keep", ()
    if not held:
        return "append", new
    if not new:
        return "replace", ()
    try:
        start = held.index(new[0])
    except ValueError:
        return "replace", new
    kept = len(held) - start
    if kept > len(new) or new[:kept] != held[start:]:
        return "replace", new
    return "append", new[kept:]


def alert_to_dict(a: Alert, *, comments: bool = True) -> dict[str, Any]:
    """Serialise an alert to plain JSON types (the store's and the API's shape).

    Without `comments` the flagged comments are left out (the Redis store keeps them
    apart, and feed updates carry only the ones that changed).
    """
    d = {
        "id": a.id,
        "fingerprint": a.fingerprint,
        "room": a.room,
        "plan_id": a.plan_id,
        "plan_name": a.plan_name,
        "severity": a.severity.value,
        "group_key": a.group_key,
        "state": a.state.value,
        "started_at": a.started_at,
        "updated_at": a.updated_at,
        "summary": a.summary,
        "summary_data": a.summary_data,
        "steps": list(a.steps),
        "labels": dict(a.labels),
        "acked_at": a.acked_at,
        "acked_by": a.acked_by,
        "resolved_at": a.resolved_at,
        "resolved_by": a.resolved_by,
        "ack_deadline": a.ack_deadline,
        "resolve_deadline": a.resolve_deadline,
        "escalation_level": a.escalation_level,
        "condition_clear_since": a.condition_clear_since,
        "history": [_history_to_dict(h) for h in a.history],
        "version": a.version,
    }
    if comments:
        d["comments"] = [comment_to_dict(c) for c in a.comments]
    return d


def alert_from_dict(d: dict[str, Any], comments: tuple[FlaggedComment, ...] | None = None) -> Alert:
    """Rebuild an alert from alert_to_dict's output (`comments` given apart, if kept apart)."""
    if comments is None:
        comments = tuple(comment_from_dict(c) for c in d.get("comments", ()))
    return Alert(
        id=str(d["id"]),
        fingerprint=str(d["fingerprint"]),
        room=str(d["room"]),
        plan_id=str(d["plan_id"]),
        plan_name=str(d.get("plan_name", "")),
        severity=Severity(d["severity"]),
        group_key=str(d.get("group_key", "")),
        state=AlertState(d["state"]),
        started_at=float(d["started_at"]),
        updated_at=float(d["updated_at"]),
        summary=str(d.get("summary", "")),
        summary_data=_description(d.get("summary_data")),
        steps=tuple(d.get("steps", ())),
        labels={str(k): str(v) for k, v in d.get("labels", {}).items()},
        acked_at=d.get("acked_at"),
        acked_by=d.get("acked_by"),
        resolved_at=d.get("resolved_at"),
        resolved_by=d.get("resolved_by"),
        ack_deadline=d.get("ack_deadline"),
        resolve_deadline=d.get("resolve_deadline"),
        escalation_level=int(d.get("escalation_level", 0)),
        condition_clear_since=d.get("condition_clear_since"),
        comments=comments,
        history=tuple(_history_from_dict(h) for h in d.get("history", ())),
        version=int(d.get("version", 1)),
    )


def _description(raw: Any) -> dict[str, Any]:
    return dict(raw) if isinstance(raw, dict) else {}


def _history_to_dict(h: HistoryEntry) -> dict[str, Any]:
    out: dict[str, Any] = {"ts": h.ts, "action": h.action, "actor": h.actor, "detail": h.detail}
    if h.code:
        out["code"] = h.code
        out["args"] = dict(h.args)
    if h.ref:
        out["ref"] = h.ref
    return out


def _history_from_dict(h: dict[str, Any]) -> HistoryEntry:
    args = h.get("args")
    return HistoryEntry(
        float(h["ts"]),
        str(h["action"]),
        str(h["actor"]),
        str(h["detail"]),
        str(h.get("code") or ""),
        dict(args) if isinstance(args, dict) else {},
        str(h.get("ref") or ""),
    )
