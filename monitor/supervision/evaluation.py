"""The monthly evaluation: per person, the sums of what the month's reviews say they did.

Each review lists, per person, the alerts they acknowledged and resolved (with the
seconds each took), the flagged comments they handled and the questions they answered
(with their answer seconds). A month's row per person adds those up: broadcasts worked,
alerts handled with median and p90 times to acknowledge and resolve, the share of their
acknowledgements within the plan's deadline, questions answered, the share answered in
time and the median answer time. The CSV has the same columns as the page.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from alerts.reports import percentile


class MonthError(ValueError):
    """A month that is not YYYY-MM (or out of range)."""


def month_span(month: str, tz: str) -> tuple[float, float]:
    """Return [start, end) of a calendar month ("2025-12") in a time zone, as unix seconds."""
    try:
        year_s, month_s = month.split("-")
        year, mon = int(year_s), int(month_s)
        if len(year_s) != 4 or not 1 <= mon <= 12 or not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        raise MonthError("month: must be YYYY-MM (2000-01 to 2100-12)") from None
    zone = ZoneInfo(tz)
    start = datetime(year, mon, 1, tzinfo=zone)
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=zone)
    return start.timestamp(), end.timestamp()


@dataclass
class EvaluationRow:
    """One person's month (seconds; None when there is nothing to measure)."""

    person: str
    name: str = ""
    broadcasts: int = 0
    alerts_acked: int = 0
    alerts_resolved: int = 0
    ack_median: float | None = None
    ack_p90: float | None = None
    resolve_median: float | None = None
    resolve_p90: float | None = None
    acks_in_time_share: float | None = None
    comments_handled: int = 0
    questions_answered: int = 0
    questions_in_time: int = 0
    answered_in_time_share: float | None = None
    answer_median: float | None = None
    questions_dismissed: int = 0
    _ack: list[float] = field(default_factory=list, repr=False)
    _resolve: list[float] = field(default_factory=list, repr=False)
    _answer: list[float] = field(default_factory=list, repr=False)
    _acks_judged: int = 0
    _acks_in_time: int = 0

    def add(self, did: dict[str, Any]) -> None:
        """Add what a review says the person did in one broadcast."""
        self.broadcasts += 1
        self.alerts_acked += int(did.get("alerts_acked", 0))
        self.alerts_resolved += int(did.get("alerts_resolved", 0))
        self._ack += [float(x) for x in did.get("ack_seconds", [])]
        self._resolve += [float(x) for x in did.get("resolve_seconds", [])]
        self._acks_judged += int(did.get("acks_judged", 0))
        self._acks_in_time += int(did.get("acks_in_time", 0))
        self.comments_handled += int(did.get("comments_handled", 0))
        self.questions_answered += int(did.get("questions_answered", 0))
        self.questions_in_time += int(did.get("questions_in_time", 0))
        self.questions_dismissed += int(did.get("questions_dismissed", 0))
        self._answer += [float(x) for x in did.get("answer_seconds", [])]

    def finish(self) -> EvaluationRow:
        self.ack_median = statistics.median(self._ack) if self._ack else None
        self.ack_p90 = percentile(self._ack, 0.9)
        self.resolve_median = statistics.median(self._resolve) if self._resolve else None
        self.resolve_p90 = percentile(self._resolve, 0.9)
        self.answer_median = statistics.median(self._answer) if self._answer else None
        judged, answered = self._acks_judged, self.questions_answered
        self.acks_in_time_share = self._acks_in_time / judged if judged else None
        self.answered_in_time_share = self.questions_in_time / answered if answered else None
        return self

    def public(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if not k.startswith("_")}


def evaluate(
    reviews: Iterable[dict[str, Any]],
    names: dict[str, str],
    only: frozenset[str] | None = None,
) -> list[EvaluationRow]:
    """Return one row per person who worked in the reviews (`only`: these people)."""
    rows: dict[str, EvaluationRow] = {}
    for review in reviews:
        for person, did in review.get("people", {}).items():
            if only is not None and person not in only:
                continue
            row = rows.setdefault(person, EvaluationRow(person, names.get(person, "")))
            row.add(did)
    return [rows[k].finish() for k in sorted(rows)]


def evaluation_csv(rows: list[EvaluationRow]) -> str:
    """Render evaluation rows as CSV with a header (seconds; shares as 0..1)."""
    out = io.StringIO()
    names = [f.name for f in fields(EvaluationRow) if not f.name.startswith("_")]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for r in rows:
        values = r.public()
        writer.writerow(
            [
                ""
                if values[n] is None
                else f"{values[n]:.3f}"
                if isinstance(values[n], float)
                else values[n]
                for n in names
            ]
        )
    return out.getvalue()
