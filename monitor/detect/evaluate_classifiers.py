"""Accuracy of the two comment classifiers on labeled sets, with figures per kind of row.

Sentiment sets: `label<TAB>kind<TAB>text` (label 1 = negative), e.g. data/sentiment/heldout.tsv
or data/blind/sentiment.tsv. Question sets: `label<TAB>kind<TAB>topic<TAB>text` (label 1 = a
question the room should answer, topic one of questions.TOPICS or -), e.g.
data/questions/heldout.tsv or data/blind/questions.tsv. Lines starting with # are comments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from monitor.detect.evaluate import Tally
from monitor.detect.questions import QuestionVerdict, classify_question

DATA = Path(__file__).resolve().parent / "eval_data"  # data/ of the checkout, packaged
SENTIMENT_SETS = (
    "sentiment/heldout.tsv",
    "sentiment/dev.tsv",
    "sentiment/dev2.tsv",
    "sentiment/dev3.tsv",
    "sentiment/dev4.tsv",
    "sentiment/dev5.tsv",
    "sentiment/dev6.tsv",
    "sentiment/dev7.tsv",
    "sentiment/dev8.tsv",
    "sentiment/dev9.tsv",
    "sentiment/dev10.tsv",
    "sentiment/dev11.tsv",
    "sentiment/dev12.tsv",
    "sentiment/dev13.tsv",
    "sentiment/dev14.tsv",
    "sentiment/dev15.tsv",
    "sentiment/dev16.tsv",
    "sentiment/dev17.tsv",
    "sentiment/dev18.tsv",
    "sentiment/dev19.tsv",
    "sentiment/dev20.tsv",
    "sentiment/dev21.tsv",
    "sentiment/dev22.tsv",
)
QUESTION_SETS = ("questions/heldout.tsv", "questions/dev.tsv")
# Written by someone who never saw our data; frozen: measured at the end, never tuned on.
BLIND_SENTIMENT = "blind/sentiment.tsv"
BLIND_QUESTIONS = "blind/questions.tsv"


def blind_sets(data: Path, name: str) -> tuple[str, ...]:
    """Return a blind set and the same set of each later round (blind/round2/sentiment.tsv)."""
    first = Path(name)
    later = sorted((data / first.parent).glob(f"*/{first.name}"))
    return (name, *(str(p.relative_to(data)) for p in later))


class SetFormatError(ValueError):
    """A labeled set has a malformed line."""


def read_rows(path: Path, fields: int) -> list[list[str]]:
    """Return the rows of a labeled TSV set; a malformed line raises with its number."""
    rows = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t", fields - 1)
        if len(parts) != fields or parts[0] not in ("0", "1"):
            raise SetFormatError(
                f"{path}:{number}: expected {fields} tab-separated fields with label 0 or 1"
            )
        rows.append(parts)
    return rows


@dataclass
class KindFigures:
    """How one kind of row fared: rows, and how many the classifier called positive."""

    rows: int = 0
    positive: int = 0

    def share(self) -> float:
        return self.positive / self.rows if self.rows else 0.0


@dataclass
class SentimentReport:
    """Negative-class figures over one set, and per kind of row."""

    name: str
    overall: Tally = field(default_factory=Tally)
    kinds: dict[str, tuple[int, KindFigures]] = field(default_factory=dict)  # kind -> (label, ..)


@dataclass
class QuestionReport:
    """Question figures over one set: precision, recall, topic accuracy, per kind."""

    name: str
    overall: Tally = field(default_factory=Tally)
    topic_right: int = 0
    topic_rows: int = 0
    kinds: dict[str, tuple[int, KindFigures]] = field(default_factory=dict)
    topics: dict[str, Tally] = field(default_factory=dict)

    @property
    def topic_accuracy(self) -> float:
        return self.topic_right / self.topic_rows if self.topic_rows else 0.0


def _count(tally: Tally, predicted: bool, truth: bool) -> None:
    if predicted and truth:
        tally.tp += 1
    elif predicted:
        tally.fp += 1
    elif truth:
        tally.fn += 1


def evaluate_sentiment(path: Path, is_negative: Callable[[str], bool]) -> SentimentReport:
    """Run a negative-sentiment classifier over a `label, kind, text` set."""
    report = SentimentReport(f"{path.parent.name}/{path.name}")
    for label, kind, text in read_rows(path, 3):
        truth, predicted = label == "1", is_negative(text)
        _count(report.overall, predicted, truth)
        figures = report.kinds.setdefault(kind, (int(label), KindFigures()))[1]
        figures.rows += 1
        figures.positive += predicted
    return report


def evaluate_questions(
    path: Path, classify: Callable[[str], QuestionVerdict | None] = classify_question
) -> QuestionReport:
    """Run a question classifier over a `label, kind, topic, text` set."""
    report = QuestionReport(f"{path.parent.name}/{path.name}")
    for label, kind, topic, text in read_rows(path, 4):
        truth = label == "1"
        verdict = classify(text)
        _count(report.overall, verdict is not None, truth)
        figures = report.kinds.setdefault(kind, (int(label), KindFigures()))[1]
        figures.rows += 1
        figures.positive += verdict is not None
        if truth and verdict is not None:
            report.topic_rows += 1
            report.topic_right += verdict.topic == topic
        if truth:
            _count(report.topics.setdefault(topic, Tally()), verdict is not None, True)
        if verdict is not None and verdict.topic != topic:
            report.topics.setdefault(verdict.topic, Tally()).fp += 1
    return report


def _kind_lines(kinds: dict[str, tuple[int, KindFigures]], what: str) -> list[str]:
    lines = []
    for kind, (label, f) in sorted(kinds.items(), key=lambda kv: (-kv[1][0], kv[0])):
        if label:
            lines.append(f"    {kind:<20} recall {f.share():.3f} ({f.positive}/{f.rows})")
        else:
            lines.append(f"    {kind:<20} called {what} {f.share():.3f} ({f.positive}/{f.rows})")
    return lines


def render_sentiment(report: SentimentReport) -> list[str]:
    """Return the printed lines of a sentiment report."""
    n = report.overall
    return [
        f"negative sentiment on {report.name}: precision {n.precision:.3f} recall "
        f"{n.recall:.3f} F1 {n.f1:.3f} (tp {n.tp}, fp {n.fp}, fn {n.fn})",
        *_kind_lines(report.kinds, "negative"),
    ]


def render_questions(report: QuestionReport) -> list[str]:
    """Return the printed lines of a question report."""
    n = report.overall
    lines = [
        f"viewer questions on {report.name}: precision {n.precision:.3f} recall {n.recall:.3f} "
        f"F1 {n.f1:.3f} (tp {n.tp}, fp {n.fp}, fn {n.fn}); topic accuracy "
        f"{report.topic_accuracy:.3f} ({report.topic_right}/{report.topic_rows} found questions)",
        *_kind_lines(report.kinds, "question"),
        "  by topic (recall of questions; fp = other rows given this topic):",
    ]
    for topic, t in sorted(report.topics.items()):
        if topic != "-":
            lines.append(f"    {topic:<12} recall {t.recall:.3f} ({t.tp}/{t.tp + t.fn}) fp {t.fp}")
    return lines


def report_all(is_negative: Callable[[str], bool], data: Path = DATA, blind: bool = False) -> str:
    """Return the figures of every sentiment and question set present under `data`."""
    lines: list[str] = []
    sentiment = SENTIMENT_SETS + (blind_sets(data, BLIND_SENTIMENT) if blind else ())
    questions = QUESTION_SETS + (blind_sets(data, BLIND_QUESTIONS) if blind else ())
    for name in sentiment:
        if (data / name).exists():
            lines += render_sentiment(evaluate_sentiment(data / name, is_negative))
    for name in questions:
        if (data / name).exists():
            lines += render_questions(evaluate_questions(data / name))
    return "\n".join(lines)
