"""The review of a broadcast (直播复盘): its figures, series, incidents, questions, people.

`build_review` is pure: the broadcast's buckets, the questions asked in it and the alerts
raised in it go in; one JSON-ready dict comes out, which the store keeps, the console
page draws, the download embeds and the monthly evaluation sums. docs/supervision.md
defines every figure.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from typing import Any

from alerts.model import Alert
from alerts.reports import percentile
from monitor.supervision.broadcasts import Broadcast
from monitor.supervision.questions import Question, QuestionState

REVIEW_VERSION = 1
TOP = 10  # complaint categories and offenders listed


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _person(actor: str | None) -> str | None:
    """Return the person behind an actor, or None for the system, accounts and speech."""
    if not actor or actor in ("system", "platform", "speech") or actor.startswith("account:"):
        return None
    return actor


def alert_row(a: Alert) -> dict[str, Any]:
    """Return one incident line: who handled the alert and how fast."""
    handled: dict[str, int] = {}
    for c in a.comments:
        if c.handled_at is not None:
            who = c.handled_by or "unknown"
            handled[who] = handled.get(who, 0) + 1
    return {
        "id": a.id,
        "plan_id": a.plan_id,
        "plan_name": a.plan_name,
        "severity": a.severity.value,
        "state": a.state.value,
        "started_at": a.started_at,
        "summary": a.summary,
        "acked_at": a.acked_at,
        "acked_by": a.acked_by,
        "ack_seconds": None if a.acked_at is None else max(0.0, a.acked_at - a.started_at),
        "ack_in_time": None
        if a.ack_deadline is None or a.acked_at is None
        else a.acked_at <= a.ack_deadline,
        "resolved_at": a.resolved_at,
        "resolved_by": a.resolved_by,
        "resolve_seconds": None
        if a.resolved_at is None
        else max(0.0, a.resolved_at - a.started_at),
        "escalation_level": a.escalation_level,
        "comments": len(a.comments),
        "comments_handled": handled,
    }


def _people(
    broadcast: Broadcast, alerts: list[dict[str, Any]], questions: list[Question], within: float
) -> dict[str, dict[str, Any]]:
    """Return what each person did in the broadcast (raw durations, for the monthly sums)."""
    people: dict[str, dict[str, Any]] = {}

    def of(who: str | None) -> dict[str, Any] | None:
        if who is None:
            return None
        return people.setdefault(
            who,
            {
                "alerts_acked": 0,
                "alerts_resolved": 0,
                "ack_seconds": [],
                "resolve_seconds": [],
                "acks_in_time": 0,
                "acks_judged": 0,
                "comments_handled": 0,
                "questions_answered": 0,
                "questions_in_time": 0,
                "questions_dismissed": 0,
                "answer_seconds": [],
            },
        )

    for who in (broadcast.started_by, broadcast.ended_by):
        of(_person(who))
    for a in alerts:
        if (p := of(_person(a["acked_by"]))) is not None:
            p["alerts_acked"] += 1
            p["ack_seconds"].append(a["ack_seconds"])
            if a["ack_in_time"] is not None:
                p["acks_judged"] += 1
                p["acks_in_time"] += int(a["ack_in_time"])
        resolver = _person(a["resolved_by"]) or (
            _person(a["acked_by"]) if a["resolved_at"] is not None else None
        )
        if (p := of(resolver)) is not None:
            p["alerts_resolved"] += 1
            p["resolve_seconds"].append(a["resolve_seconds"])
        for who, n in a["comments_handled"].items():
            if (p := of(_person(who))) is not None:
                p["comments_handled"] += n
    for q in questions:
        p = of(_person(q.closed_by))
        if p is None:
            continue
        if q.state is QuestionState.ANSWERED and q.answer_seconds is not None:
            p["questions_answered"] += 1
            p["answer_seconds"].append(q.answer_seconds)
            p["questions_in_time"] += int(q.answer_seconds <= within)
        elif q.state is QuestionState.NOT_QUESTION:
            p["questions_dismissed"] += 1
    return people


def _series(b: Broadcast, end: float) -> dict[str, list[Any]]:
    # One point per bucket from the start to the end, empty buckets included (a bucket
    # that would start at the very end is left out: it would draw a drop to zero).
    span = math.ceil(max(0.0, end - b.started_at) / b.bucket)
    n = max([span, 1, *(k + 1 for k in b.buckets)])
    minutes = b.bucket / 60.0
    out: dict[str, list[Any]] = {
        k: []
        for k in (
            "t",
            "viewers_avg",
            "viewers_max",
            "comments",
            "comments_per_min",
            "likes",
            "negative_share",
            "interacting",
        )
    }
    for k in range(n):
        bucket = b.buckets.get(k)
        out["t"].append(b.started_at + k * b.bucket)
        if bucket is None:
            for key in out:
                if key != "t":
                    out[key].append(None if key.startswith("viewers") else 0)
            out["negative_share"][-1] = None
            continue
        d = bucket.to_dict()
        out["viewers_avg"].append(d["viewers_avg"])
        out["viewers_max"].append(d["viewers_max"] if d["viewers_n"] else None)
        out["comments"].append(d["comments"])
        out["comments_per_min"].append(d["comments"] / minutes)
        out["likes"].append(d["likes"])
        out["negative_share"].append(_ratio(d["negative"], d["comments"]))
        out["interacting"].append(d["interacting"])
    return out


def build_review(
    broadcast: Broadcast,
    questions: Iterable[Question],
    alerts: Iterable[Alert],
    *,
    room_name: str,
    answer_within: float,
    built_at: float,
) -> dict[str, Any]:
    """Return the review of an ended broadcast."""
    end = broadcast.ended_at if broadcast.ended_at is not None else built_at
    duration = max(0.0, end - broadcast.started_at)
    minutes = duration / 60.0
    buckets = list(broadcast.buckets.values())
    viewers_n = sum(b.viewers_n for b in buckets)
    peak = max((b.viewers_max for b in buckets if b.viewers_n), default=None)
    comments = sum(b.comments for b in buckets)
    likes = sum(b.likes for b in buckets)
    negative = sum(b.negative for b in buckets)
    flagged: dict[str, int] = {}
    for b in buckets:
        for cat, n in b.flagged.items():
            flagged[cat] = flagged.get(cat, 0) + n
    audience = max(broadcast.viewers_seen, int(peak or 0))
    if broadcast.followers_first is not None and broadcast.followers_last is not None:
        growth = broadcast.followers_last - broadcast.followers_first
    else:
        growth = float(sum(b.follows for b in buckets))

    qs = sorted(questions, key=lambda q: (q.ts, q.id))
    real = [q for q in qs if q.state is not QuestionState.NOT_QUESTION]
    answered = [q for q in real if q.state is QuestionState.ANSWERED]
    waits = [q.answer_seconds for q in answered if q.answer_seconds is not None]
    in_time = sum(1 for w in waits if w <= answer_within)
    by_via: dict[str, int] = {}
    for q in answered:
        via = q.via.value if q.via else "console"
        by_via[via] = by_via.get(via, 0) + 1

    rows = [alert_row(a) for a in sorted(alerts, key=lambda a: (a.started_at, a.id))]
    acks = [r["ack_seconds"] for r in rows if r["ack_seconds"] is not None]
    resolves = [r["resolve_seconds"] for r in rows if r["resolve_seconds"] is not None]
    offenders = sorted(
        ({"user": u, **o} for u, o in broadcast.offenders.items()),
        key=lambda o: (-o["n"], o["user"]),
    )[:TOP]
    figures = {
        "duration": duration,
        "viewers_peak": peak,
        "viewers_avg": sum(b.viewers_sum for b in buckets) / viewers_n if viewers_n else None,
        "viewers_seen": broadcast.viewers_seen,
        "comments": comments,
        "comments_per_min": _ratio(comments, minutes),
        "replies": broadcast.replies,
        "likes": likes,
        "likes_per_min": _ratio(likes, minutes),
        "interacting_users": broadcast.interacting_users,
        "interaction_rate": _ratio(broadcast.interacting_users, audience),
        "follows": sum(b.follows for b in buckets),
        "follower_growth": growth,
        "gifts": sum(b.gifts for b in buckets),
        "gift_value": round(sum(b.gift_value for b in buckets), 2),
        "negative": negative,
        "negative_share": _ratio(negative, comments),
        "flagged": dict(sorted(flagged.items())),
        "alerts": len(rows),
        "alerts_acked": len(acks),
        "alerts_resolved": len(resolves),
        "ack_median": _median(acks),
        "ack_p90": percentile(acks, 0.9),
        "resolve_median": _median(resolves),
        "resolve_p90": percentile(resolves, 0.9),
        "questions": len(real),
        "questions_answered": len(answered),
        "questions_in_time": in_time,
        "questions_missed": len(real) - len(answered),
        "questions_dismissed": len(qs) - len(real),
        "answered_by": dict(sorted(by_via.items())),
        "answer_median": _median(waits),
        "answer_p90": percentile(waits, 0.9),
        "answered_in_time_share": _ratio(in_time, len(real)),
    }
    return {
        "version": REVIEW_VERSION,
        "id": broadcast.id,
        "room": broadcast.room,
        "room_name": room_name,
        "broadcast": {
            "started_at": broadcast.started_at,
            "ended_at": end,
            "started_by": broadcast.started_by,
            "ended_by": broadcast.ended_by,
            "bucket": broadcast.bucket,
        },
        "answer_within": answer_within,
        "figures": figures,
        "series": _series(broadcast, end),
        "alerts": rows,
        "questions": [q.to_dict() for q in qs],
        "complaints": [
            {"category": c, "n": n}
            for c, n in sorted(flagged.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
        ],
        "offenders": offenders,
        "people": _people(broadcast, rows, qs, answer_within),
        "built_at": built_at,
    }


def index_entry(review: dict[str, Any]) -> dict[str, Any]:
    """Return the short form of a review that per-room lists show."""
    f = review["figures"]
    return {
        "id": review["id"],
        "room": review["room"],
        "room_name": review["room_name"],
        "started_at": review["broadcast"]["started_at"],
        "ended_at": review["broadcast"]["ended_at"],
        "duration": f["duration"],
        "viewers_peak": f["viewers_peak"],
        "comments": f["comments"],
        "alerts": f["alerts"],
        "questions": f["questions"],
        "questions_answered": f["questions_answered"],
        "people": sorted(review["people"]),
    }
