"""Response-time reports per controller or per room, for the supervisors' monthly review.

Figures per row: alerts, acknowledged, resolved, median and p90 time to acknowledge and
to resolve, the share of alerts acknowledged within their deadline, escalated alerts,
flagged comments handled and their median time to handle.
"""

from __future__ import annotations

import csv
import io
import math
import statistics
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from typing import Literal

from alerts.model import Alert

GroupBy = Literal["controller", "room"]
UNASSIGNED = "(unassigned)"


@dataclass
class ReportRow:
    """One controller's or one room's response figures (seconds; None when no data)."""

    key: str
    alerts: int = 0
    acknowledged: int = 0
    resolved: int = 0
    ack_median: float | None = None
    ack_p90: float | None = None
    resolve_median: float | None = None
    resolve_p90: float | None = None
    within_deadline: float | None = None
    escalated: int = 0
    comments_handled: int = 0
    handle_median: float | None = None
    _tta: list[float] = field(default_factory=list, repr=False)
    _ttr: list[float] = field(default_factory=list, repr=False)
    _tth: list[float] = field(default_factory=list, repr=False)
    _met: int = 0
    _missed: int = 0

    def finish(self) -> ReportRow:
        self.ack_median, self.ack_p90 = _median(self._tta), percentile(self._tta, 0.9)
        self.resolve_median, self.resolve_p90 = _median(self._ttr), percentile(self._ttr, 0.9)
        self.handle_median = _median(self._tth)
        judged = self._met + self._missed
        self.within_deadline = self._met / judged if judged else None
        return self

    def public(self) -> dict[str, object]:
        return {k: v for k, v in asdict(self).items() if not k.startswith("_")}


def percentile(values: list[float], q: float) -> float | None:
    """Return the q-quantile with linear interpolation between closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _owner(alert: Alert) -> str:
    if alert.acked_by:
        return alert.acked_by
    if alert.resolved_by and alert.resolved_by != "system":
        return alert.resolved_by
    return UNASSIGNED


def build_report(alerts: Iterable[Alert], by: GroupBy, now: float) -> list[ReportRow]:
    """Return one row per controller (who acknowledged) or per room, sorted by key."""
    rows: dict[str, ReportRow] = {}

    def row(key: str) -> ReportRow:
        return rows.setdefault(key, ReportRow(key))

    for alert in alerts:
        r = row(_owner(alert) if by == "controller" else alert.room)
        r.alerts += 1
        if alert.acked_at is not None:
            r.acknowledged += 1
            r._tta.append(max(0.0, alert.acked_at - alert.started_at))
        if alert.resolved_at is not None:
            r.resolved += 1
            r._ttr.append(max(0.0, alert.resolved_at - alert.started_at))
        if alert.ack_deadline is not None:
            if alert.acked_at is not None:
                if alert.acked_at <= alert.ack_deadline:
                    r._met += 1
                else:
                    r._missed += 1
            elif now > alert.ack_deadline or alert.resolved_at is not None:
                r._missed += 1  # never acknowledged and the deadline passed (or it closed)
        if alert.escalation_level > 0:
            r.escalated += 1
        for c in alert.comments:
            if c.handled_at is None:
                continue
            cr = row(c.handled_by or UNASSIGNED) if by == "controller" else r
            cr.comments_handled += 1
            cr._tth.append(max(0.0, c.handled_at - c.ts))
    return [rows[k].finish() for k in sorted(rows)]


def report_csv(rows: list[ReportRow], by: GroupBy) -> str:
    """Render report rows as CSV with a header (seconds, share as 0..1)."""
    out = io.StringIO()
    names = [f.name for f in fields(ReportRow) if not f.name.startswith("_")]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([by, *names[1:]])
    for r in rows:
        values = r.public()
        writer.writerow(["" if values[n] is None else _fmt(values[n]) for n in names])
    return out.getvalue()


def _fmt(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)
