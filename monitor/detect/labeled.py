"""Labeled sensitive sets with evasion kinds: recall per kind, false positives per negative kind.

Format (tab-separated, '#' comments): label, category, kind, scope, text.
- label: 1 must be flagged, 0 must stay clean;
- category: contact_diversion | fraud | abuse | prohibited | ad_law | - (clean rows);
- kind: how the row is written (plain, pinyin, link, ... for flagged rows; hard_negative or
  chatter for clean ones);
- scope: comment | speech;
- text: one comment, or a run of consecutive comments from one viewer joined by U+241E
  (kind split), fed to the detector one by one as the same user.

A row counts as caught when the detector flags it in any category (what a field controller
sees); `category_hits` also tells how many were flagged in the row's own category.
Errors name the line and the field, never the row's text: blind sets are scored without
being read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

SPLIT = "\u241e"
CATEGORIES = frozenset({"contact_diversion", "fraud", "abuse", "prohibited", "ad_law", "-"})
KINDS = frozenset(
    {
        "plain",
        "pinyin",
        "link",
        "app_diversion",
        "symbol",
        "separators",
        "homophone",
        "lookalike",
        "styled_digits",
        "traditional",
        "split",
        "speech",
        "hard_negative",
        "chatter",
    }
)
SCOPES = frozenset({"comment", "speech"})


class LabeledSetError(ValueError):
    """A row of a labeled set is malformed: which line, which field, why."""

    def __init__(self, path: Path, line: int, fieldname: str, reason: str) -> None:
        super().__init__(f"{path}:{line}: {fieldname}: {reason}")
        self.line = line
        self.field = fieldname


@dataclass(frozen=True, slots=True)
class Row:
    """One labeled row."""

    line: int
    label: int
    category: str
    kind: str
    scope: str
    parts: tuple[str, ...]


class Analyzer(Protocol):
    def categories(self, text: str, scope: str, user: str, ts: float) -> set[str]: ...


def read_rows(path: Path) -> list[Row]:
    """Return the rows of a labeled set; raise LabeledSetError naming a bad line."""
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise LabeledSetError(path, 0, "$", f"not UTF-8 (byte {exc.start})") from None
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t", 4)
        if len(cols) != 5:
            raise LabeledSetError(
                path, number, "$", f"expected 5 tab-separated columns, got {len(cols)}"
            )
        label, category, kind, scope, body = cols
        if label not in ("0", "1"):
            raise LabeledSetError(path, number, "label", "must be 1 (flag) or 0 (clean)")
        if category not in CATEGORIES:
            raise LabeledSetError(path, number, "category", "unknown category")
        if kind not in KINDS:
            raise LabeledSetError(path, number, "kind", "unknown kind")
        if scope not in SCOPES:
            raise LabeledSetError(path, number, "scope", "must be comment or speech")
        parts = tuple(p for p in body.split(SPLIT))
        if not any(p.strip() for p in parts):
            raise LabeledSetError(path, number, "text", "is empty")
        rows.append(Row(number, int(label), category, kind, scope, parts))
    return rows


@dataclass
class Count:
    """How many rows of one group, and how many of them were flagged."""

    rows: int = 0
    flagged: int = 0

    @property
    def rate(self) -> float:
        return self.flagged / self.rows if self.rows else 0.0


@dataclass
class LabeledReport:
    """Recall per kind and category, false positives per negative kind."""

    name: str
    recall_by_kind: dict[str, Count] = field(default_factory=dict)
    recall_by_category: dict[str, Count] = field(default_factory=dict)
    category_hits: int = 0
    flagged_by_kind: dict[str, Count] = field(default_factory=dict)  # clean rows
    missed: list[Row] = field(default_factory=list)
    false_alarms: list[tuple[Row, set[str]]] = field(default_factory=list)

    @property
    def positives(self) -> Count:
        return Count(
            sum(c.rows for c in self.recall_by_kind.values()),
            sum(c.flagged for c in self.recall_by_kind.values()),
        )

    def negatives(self, kind: str) -> Count:
        return self.flagged_by_kind.get(kind, Count())


def score(rows: list[Row], analyzer: Analyzer, name: str) -> LabeledReport:
    """Run every row through the analyzer and tally."""
    report = LabeledReport(name)
    for row in rows:
        user = f"eval\x1f{name}\x1f{row.line}"  # a window per row of this set
        found: set[str] = set()
        for i, part in enumerate(row.parts):
            found |= analyzer.categories(part, row.scope, user, float(i))
        if row.label:
            for table, key in (
                (report.recall_by_kind, row.kind),
                (report.recall_by_category, row.category),
            ):
                count = table.setdefault(key, Count())
                count.rows += 1
                count.flagged += bool(found)
            report.category_hits += row.category in found
            if not found:
                report.missed.append(row)
        else:
            count = report.flagged_by_kind.setdefault(row.kind, Count())
            count.rows += 1
            count.flagged += bool(found)
            if found:
                report.false_alarms.append((row, found))
    return report


def render(report: LabeledReport, show_rows: bool = False) -> str:
    """Return the figures of a labeled set (and, when asked, the rows it got wrong)."""
    pos = report.positives
    lines = [
        f"{report.name}: recall {pos.rate:.3f} ({pos.flagged}/{pos.rows} flagged; "
        f"{report.category_hits} in their own category)",
        "  recall by kind: "
        + ", ".join(
            f"{k} {c.rate:.2f} ({c.flagged}/{c.rows})"
            for k, c in sorted(report.recall_by_kind.items())
        ),
        "  recall by category: "
        + ", ".join(
            f"{k} {c.rate:.2f} ({c.flagged}/{c.rows})"
            for k, c in sorted(report.recall_by_category.items())
        ),
    ]
    for kind in ("hard_negative", "chatter"):
        c = report.negatives(kind)
        lines.append(f"  false positives on {kind}: {c.flagged}/{c.rows} = {c.rate:.2%}")
    others = {
        k: c for k, c in report.flagged_by_kind.items() if k not in ("hard_negative", "chatter")
    }
    if others:
        lines.append(
            "  false positives on other clean rows: "
            + ", ".join(f"{k} {c.flagged}/{c.rows}" for k, c in sorted(others.items()))
        )
    if report.false_alarms:
        # Which category fired, and on whose words: figures only, so a blind set shows them.
        by: dict[str, int] = {}
        for row, found in report.false_alarms:
            for category in found:
                key = f"{category}/{row.scope}"
                by[key] = by.get(key, 0) + 1
        lines.append(
            "  false alarms by category/scope: "
            + ", ".join(f"{k} {n}" for k, n in sorted(by.items(), key=lambda kv: (-kv[1], kv[0])))
        )
    if show_rows:
        lines.append("  missed:")
        lines += [f"    {r.category}/{r.kind}: {SPLIT.join(r.parts)}" for r in report.missed]
        lines.append("  false alarms:")
        lines += [
            f"    {'/'.join(sorted(found))} ({r.kind}): {SPLIT.join(r.parts)}"
            for r, found in report.false_alarms
        ]
    return "\n".join(lines)
