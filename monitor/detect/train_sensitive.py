"""Train the second opinion on sensitive texts (monitor/detect/classifier.py), pure Python.

Sensitive examples: every label-1 row of the development sets (data/detect/dev*.tsv) and the
generated evasion lines (data/detect/sensitive.tsv). Clean examples: their label-0 rows,
ordinary commerce chatter (data/detect/chatter.tsv) and every comment of the sentiment sets
(data/sentiment/*.tsv: complaints, questions and praise are not sensitive). The blind sets
(data/blind/) are never read. Writes monitor/detect/data/sensitive_model.tsv:

    python -m monitor.detect.train_sensitive
    python -m monitor.detect.train_sensitive --cv    # leave one development set out
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from monitor.detect.classifier import BIAS, CATEGORIES
from monitor.detect.normalize import default_normalizer
from monitor.detect.sentiment import model_text, ngrams
from monitor.detect.train import balanced, train

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
DEFAULT_OUT = Path(__file__).resolve().parent / "data" / "sensitive_model.tsv"
SPLIT_MARK = "\u241e"  # ␞ joins the parts of a split message in the labeled sets
Row = tuple[str, str, str, str, str]  # set name, category ('' = clean), kind, scope, text


def _lines(path: Path) -> list[list[str]]:
    return [
        line.split("\t")
        for line in path.read_text("utf-8").splitlines()
        if line and not line.startswith("#")
    ]


def read_rows(data: Path = DATA) -> list[Row]:
    """Return every training row with the name of the set it comes from."""
    rows: list[Row] = []
    for path in sorted((data / "detect").glob("dev*.tsv")):
        for label, category, kind, scope, text in _lines(path):
            rows.append((path.name, category if label == "1" else "", kind, scope, text))
    for category, scope, transform, text in _lines(data / "detect" / "sensitive.tsv"):
        rows.append(("sensitive.tsv", category, transform, scope, text))
    for scope, text in _lines(data / "detect" / "chatter.tsv"):
        rows.append(("chatter.tsv", "", "chatter", scope, text))
    for path in sorted((data / "sentiment").glob("*.tsv")):
        for cells in _lines(path):
            rows.append((f"sentiment/{path.name}", "", "comment", "comment", cells[-1]))
    return rows


def features(text: str) -> list[str]:
    """Return the model features of a raw text (the parts of a split message joined)."""
    text = text.replace(SPLIT_MARK, "")
    return ngrams(model_text(default_normalizer().base(text), text))


def fit(rows: list[Row], args: argparse.Namespace) -> tuple[dict[str, list[float]], list[str]]:
    """Return (weights by n-gram: any, then one per category; the category names)."""
    feats = [features(r[4]) for r in rows]
    # Sensitive texts are rare among comments: the 'any' model keeps the data's own prior
    # (balanced classes flagged 4-10 % of clean look-alikes in cross-validation).
    any_w, any_b = train(
        [(f, int(bool(r[1])), 1.0) for f, r in zip(feats, rows, strict=True)],
        args.epochs,
        args.l2,
        args.rate,
        args.min_count,
        args.seed,
    )
    categories = sorted({r[1] for r in rows if r[1]})
    table: dict[str, list[float]] = {g: [w] + [0.0] * len(categories) for g, w in any_w.items()}
    table[BIAS] = [any_b] + [0.0] * len(categories)
    sensitive = [(f, r[1]) for f, r in zip(feats, rows, strict=True) if r[1]]
    for i, category in enumerate(categories, 1):
        weights, bias = train(
            balanced([(f, int(c == category)) for f, c in sensitive]),
            args.epochs,
            args.l2,
            args.rate,
            args.min_count,
            args.seed,
        )
        for gram, w in weights.items():
            table.setdefault(gram, [0.0] * (len(categories) + 1))[i] = w
        table[BIAS][i] = bias
    return table, categories


def export(table: dict[str, list[float]], categories: list[str], path: Path, keep: int) -> int:
    """Write the weights (the `keep` n-grams with the largest weights); return how many."""
    grams = [g for g in table if g != BIAS and any(abs(w) >= 0.005 for w in table[g])]
    grams = sorted(grams, key=lambda g: (-max(abs(w) for w in table[g]), g))[:keep]
    lines = [
        "# char 1-3 gram logistic regression: sensitive or not (column 'any'), then the",
        "# category among sensitive texts; written by monitor/detect/train_sensitive.py from",
        "# data/detect/dev*.tsv, sensitive.tsv, chatter.tsv and data/sentiment/*.tsv",
        "\t".join([CATEGORIES, "any", *categories]),
        "\t".join([BIAS, *(f"{w:.4f}" for w in table[BIAS])]),
    ]
    for gram in sorted(grams):
        cells = (f"{w:.4f}" if abs(w) >= 0.005 else "0" for w in table[gram])
        lines.append("\t".join([gram.replace("\t", "\\t"), *cells]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(grams)


def cross_validate(rows: list[Row], args: argparse.Namespace) -> None:
    """Leave each development set out in turn; print rules alone and rules + model."""
    from config.loader import default_config_path, load_config
    from monitor.detect.classifier import SensitiveModel
    from monitor.detect.context import reported
    from monitor.detect.detector import LexiconDetector

    config = load_config(default_config_path())
    detection = config.detection.model_copy(
        update={"classifier": config.detection.classifier.model_copy(update={"enabled": False})}
    )
    rules = LexiconDetector(detection, config.base_dir)
    judged = rules._scope_cats
    thresholds = [float(t) for t in args.thresholds.split(",")]
    own = config.detection.classifier.category_thresholds  # fixed; --thresholds set the rest
    held_out = sorted({r[0] for r in rows if r[0].startswith("dev")})
    if args.folds:
        held_out = [name for name in held_out if name in args.folds.split(",")]
    for name in held_out:
        table, categories = fit([r for r in rows if r[0] != name], args)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "model.tsv"
            export(table, categories, path, args.keep)
            model = SensitiveModel.load(path)
        test = [r for r in rows if r[0] == name]
        flagged = [bool(rules.analyze(r[4].replace(SPLIT_MARK, ""), r[3]).sensitive) for r in test]
        said = [model_text(rules.normalizer.base(r[4]), r[4]) for r in test]
        logits = [model.logit(t) for t in said]
        # As the detector does: no verdict on a report, none outside the judged categories.
        verdicts = [
            None if reported(r[4]) else model.category(t, judged.get(r[3], ()))
            for r, t in zip(test, said, strict=True)
        ]
        print(_report(name, test, flagged, logits, verdicts, thresholds, own))


def _report(
    name: str,
    test: list[Row],
    flagged: list[bool],
    logits: list[float],
    verdicts: list[str | None],
    thresholds: list[float],
    own: dict[str, float],
) -> str:
    """Return one line: recall, hard-negative and chatter FP of the rules, then of rules +
    model at each threshold (a category with a threshold of its own in `own` keeps it)."""

    def rate(pick: Callable[[int], bool], which: Callable[[Row], bool]) -> str:
        idx = [i for i, r in enumerate(test) if which(r)]
        return f"{sum(pick(i) for i in idx) / max(1, len(idx)):.3f}"

    def sensitive(r: Row) -> bool:
        return bool(r[1])

    def hard(r: Row) -> bool:
        return r[2] == "hard_negative"

    def chatter(r: Row) -> bool:
        return r[2] == "chatter"

    def rules(i: int) -> bool:
        return flagged[i]

    def rates(pick: Callable[[int], bool]) -> str:
        return f"recall {rate(pick, sensitive)} fp {rate(pick, hard)} chatter {rate(pick, chatter)}"

    line = [f"{name}: rules {rates(rules)}"]
    for t in thresholds:
        cuts = {c: _logit(p) for c, p in own.items()}

        def both(i: int, cut: float = _logit(t), cuts: dict[str, float] = cuts) -> bool:
            verdict = verdicts[i]
            return flagged[i] or (verdict is not None and logits[i] >= cuts.get(verdict, cut))

        line.append(f"| p>={t}: {rates(both)}")
    return " ".join(line)


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--l2", type=float, default=1e-5)
    parser.add_argument("--rate", type=float, default=0.2)
    parser.add_argument("--min-count", type=int, default=2)
    # At most a quarter of the compiled table full: 30,000 n-grams fit 131,072 slots (2 MiB).
    parser.add_argument("--keep", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--cv", action="store_true", help="leave one development set out")
    parser.add_argument("--thresholds", default="0.8,0.9,0.95")
    parser.add_argument("--folds", default="", help="only these sets left out (dev6.tsv,…)")
    parser.add_argument(
        "--no-generated", action="store_true", help="leave out data/detect/sensitive.tsv"
    )
    args = parser.parse_args(argv)
    rows = read_rows(args.data)
    if args.no_generated:
        rows = [r for r in rows if r[0] != "sensitive.tsv"]
    print(
        f"{len(rows)} rows, {sum(1 for r in rows if r[1])} sensitive",
        file=sys.stderr,
    )
    if args.cv:
        cross_validate(rows, args)
        return 0
    table, categories = fit(rows, args)
    kept = export(table, categories, args.out, args.keep)
    print(f"wrote {args.out} ({kept} n-grams, categories {', '.join(categories)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
