"""A learned second opinion on texts that no rule flagged.

The lexicon and the contact rules catch what they list; viewers keep finding wordings no
list holds (a scam told in ordinary words, a threat, a drug asked for by a nickname). A char
1-3 gram logistic model (the sentiment model's features, `sentiment.ngrams` over
`sentiment.model_text`) reads every text the rules left clean: past a high threshold it
flags the text, and per-category weights name the category. Trained by
`python -m monitor.detect.train_sensitive` on the labeled development sets and ordinary
comments (docs/detection.md has the cross-validated figures); shipped in
`monitor/detect/data/sensitive_model.tsv`.

One compiled n-gram sum per clean text decides (the same table the sentiment model uses);
the category weights are read only for the few texts past the threshold.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from monitor.detect.sentiment import LinearModel, ngrams

BIAS = "__bias__"
CATEGORIES = "__categories__"


class ModelFileError(ValueError):
    """A weights file that cannot be read (its line and why)."""


class SensitiveModel:
    """`flag` says whether a text is sensitive; `category` which category it reads as."""

    def __init__(
        self,
        any_weights: dict[str, float],
        any_bias: float,
        categories: list[str],
        category_weights: dict[str, list[float]],
        category_bias: list[float],
    ) -> None:
        self.any = LinearModel(any_weights, any_bias)
        self.logit = self.any.logit  # type: ignore[method-assign,assignment]  # one call
        self.categories = categories
        self._weights = category_weights
        self._bias = category_bias

    @classmethod
    def load(cls, path: str | Path | None = None) -> SensitiveModel:
        """Read a weights file (the shipped one when no path is given)."""
        if path:
            text = Path(path).read_text("utf-8")
        else:
            text = (
                resources.files("monitor.detect")
                .joinpath("data", "sensitive_model.tsv")
                .read_text("utf-8")
            )
        return cls.parse(text)

    @classmethod
    def parse(cls, text: str) -> SensitiveModel:
        """Parse `gram<TAB>any<TAB>category weights…` lines after a `__categories__` line."""
        categories: list[str] = []
        any_weights: dict[str, float] = {}
        any_bias = 0.0
        weights: dict[str, list[float]] = {}
        bias: list[float] = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line or line.startswith("#"):
                continue
            gram, *cells = line.split("\t")
            if gram == CATEGORIES:
                categories = cells[1:]  # the first column is 'any'
                continue
            if not categories:
                raise ModelFileError(f"line {number}: weights before the {CATEGORIES} line")
            if len(cells) != len(categories) + 1:
                raise ModelFileError(
                    f"line {number}: {len(cells)} weights, expected {len(categories) + 1}"
                )
            try:
                values = [float(c) for c in cells]
            except ValueError:
                raise ModelFileError(f"line {number}: a weight is not a number") from None
            if not all(math.isfinite(v) for v in values):
                raise ModelFileError(f"line {number}: a weight is not finite")
            if gram == BIAS:
                any_bias, bias = values[0], values[1:]
                continue
            gram = gram.replace("\\t", "\t")
            if values[0]:
                any_weights[gram] = values[0]
            if any(values[1:]):
                weights[gram] = values[1:]
        if not categories:
            raise ModelFileError(f"no {CATEGORIES} line")
        return cls(any_weights, any_bias, categories, weights, bias or [0.0] * len(categories))

    def logit(self, model_text: str) -> float:
        """Return the log-odds that a text is sensitive."""
        return self.any.logit(model_text)

    def category(self, model_text: str, allowed: Iterable[str]) -> str | None:
        """Return the category a sensitive text reads most like, or None when that category
        is not among `allowed` (a comment that reads like an advertising claim is no scam)."""
        scores = list(self._bias)
        weights = self._weights
        for gram in ngrams(model_text):
            row = weights.get(gram)
            if row is not None:
                for i, w in enumerate(row):
                    scores[i] += w
        best = self.categories[max(range(len(scores)), key=scores.__getitem__)]
        return best if best in set(allowed) else None
