"""The compiled inner loops of detection give exactly what their Python definitions give.

`monitor/detect/_native.c` builds the three normalization views in one pass and sums the
sentiment model's n-gram weights; `Normalizer.views` (the class's translate-based method)
and `LinearModel.reference_logit` are the definitions they must agree with, on real
comments, on random text from every Unicode plane, and on what breaks naive code (lone
surrogates, private-use planes, characters that expand or vanish).
"""

from __future__ import annotations

import copy
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.detect import native
from monitor.detect.classifier import SensitiveModel
from monitor.detect.compose import part_starts
from monitor.detect.normalize import (
    DIGIT,
    LETTER,
    NUMERAL,
    NUMERAL_RUN,
    PART,
    Normalizer,
    Views,
    default_normalizer,
)
from monitor.detect.sentiment import LinearModel, joint_logits
from tests.detect_support import corpus, shipped_detector

ROOT = Path(__file__).resolve().parents[1]


def python_views(norm: Normalizer, text: str) -> Views:
    return Normalizer.views(norm, text)  # the class's method: the translate-based definition


def test_the_extension_is_built() -> None:
    # The README's install (pip with a C compiler, as .ci/run has) builds it; without it
    # detection still works, at about two thirds of the speed (docs/detection.md).
    assert native.AVAILABLE, (
        "monitor/detect/_native.c is not built, or built from an older source: run "
        "`.venv/bin/pip install -e .[dev]` (it compiles the extension when gcc is present)"
    )
    assert default_normalizer().views.__self__.__class__ is native.Folder  # type: ignore[attr-defined]


def test_views_agree_with_the_python_definition_on_every_labeled_text() -> None:
    norm = default_normalizer()
    texts = corpus()
    assert len(texts) > 5000
    for text in texts:
        fast = norm.views(text)
        assert fast == python_views(norm, text), text
        assert type(fast) is Views


def test_views_agree_on_random_text_from_every_plane() -> None:
    norm = default_normalizer()
    rng = random.Random(7)
    alphabets = [
        (0, 0x10FFFF),  # anything, lone surrogates and private-use planes included
        (0x20, 0x3000),  # punctuation, symbols, width forms, separators
        (0x4E00, 0x9FA5),  # Hanzi
        (0x1F300, 0x1FAFF),  # emoji (some stand for words and expand)
        (0xF0000, 0x10FFFF),  # planes 15-16: the lazily folded private-use planes
    ]
    for _ in range(50_000):
        lo, hi = rng.choice(alphabets)
        text = "".join(
            chr(rng.randint(lo, hi)) if rng.random() < 0.8 else rng.choice("加加 v➕🐧1１①")
            for _ in range(rng.randint(0, 20))
        )
        assert norm.views(text) == python_views(norm, text), ascii(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_views_agree_on_generated_text(text: str) -> None:
    norm = default_normalizer()
    assert norm.views(text) == python_views(norm, text)


def test_a_long_text_and_expanding_characters() -> None:
    norm = default_normalizer()
    expanding = [chr(cp) for cp, v in norm.fold.items() if isinstance(v, str) and len(v) > 1]
    assert expanding, "the fold table has characters that become several"
    text = "".join(expanding) * 50 + "加加微微信" * 200
    assert norm.views(text) == python_views(norm, text)
    assert norm.views(expanding[0] * 3) == python_views(norm, expanding[0] * 3)


def test_offsets_and_span_maps_agree_with_the_translate_tables() -> None:
    norm = default_normalizer()
    pure = copy.copy(norm)
    pure._offsets = None  # the translate-table definitions
    rng = random.Random(11)
    expanding = [chr(cp) for cp, v in norm.fold.items() if isinstance(v, str) and len(v) > 1]
    randoms = [
        "".join(
            chr(rng.randint(0, 0x10FFFF)) if rng.random() < 0.3 else rng.choice("加 v🐧1①-")
            for _ in range(rng.randint(0, 12))
        )
        for _ in range(5000)
    ]
    for text in [*corpus(), *randoms, "".join(expanding[:30]), "", "加加微微信"]:
        assert norm.base_offsets(text) == pure.base_offsets(text), ascii(text)
        assert norm.one_to_one(text) == pure.one_to_one(text), ascii(text)
        views = norm.views(text)
        pure_spans = pure.span_mapper(text, views.base)  # the definition: searches for repeats
        mappers = [
            norm.span_mapper(text, views.base),
            norm.span_mapper(text, views.base, views.collapsed),
            pure.span_mapper(text, views.base, views.collapsed),
        ]
        for i in range(len(views.collapsed)):
            for spans in mappers:
                assert spans(i, i + 1) == pure_spans(i, i + 1), ascii(text)
        base_spans, pure_base = norm.base_span_mapper(text), pure.base_span_mapper(text)
        for i in range(len(views.base)):
            assert base_spans(i, len(views.base)) == pure_base(i, len(views.base)), ascii(text)


def test_the_model_sum_is_the_reference_sum() -> None:
    model = LinearModel.load()
    assert model._table is not None
    texts = [*corpus()[:20_000], "", "^", "$", "a^b$", "\ud800x", "😀好看", "^$^$"]
    for text in texts:
        assert model.logit(text) == pytest.approx(model.reference_logit(text), abs=1e-9), text


def test_the_joint_logits_are_each_models_logit_bit_for_bit() -> None:
    # The second opinion and sentiment read one table holding both models' weights: each
    # log-odds must be exactly what the model's own table gives (the same terms added in
    # the same order), or outputs would move in the last bit.
    sentiment = LinearModel.load()
    second = SensitiveModel.load().any
    joint = joint_logits(second, sentiment)
    assert joint is not None
    texts = [*corpus()[:20_000], "", "^", "$", "a^b$", "\ud800x", "😀好看", "^$^$", "好"]
    for text in texts:
        assert joint(text) == (second.logit(text), sentiment.logit(text)), text
    pair = native.NgramPair(native.NgramTable({"好": 0.5}, 1.0), native.NgramTable({"看": 2.0}))
    assert pair.logits("好看") == (1.5, 2.0)
    with pytest.raises(TypeError, match="str"):
        pair.logits(None)
    with pytest.raises(TypeError):
        native.NgramPair({"好": 0.5}, native.NgramTable({}))
    with pytest.raises(ValueError, match="not initialized"):
        native.NgramPair(native.NgramTable.__new__(native.NgramTable), native.NgramTable({}))


def test_the_compiled_parts_reject_bad_tables_and_arguments_clearly() -> None:
    with pytest.raises(TypeError, match="str"):
        native.NgramTable({1: 0.5})
    with pytest.raises(TypeError):
        native.NgramTable({"好": "heavy"})
    with pytest.raises(TypeError):
        native.NgramTable(["好"])
    table = native.NgramTable({"好": 0.5, "好看": 1.0, "": 3.0, "很好看吧": 9.0})
    assert table.stored() == 2  # empty and longer than three characters are not n-grams
    assert table.sum("好看") == pytest.approx(0.5 + 1.0)
    with pytest.raises(TypeError, match="str"):
        table.sum(None)
    biased = native.NgramTable({"好": 0.5, "好看": 1.0}, 2.0)
    assert biased.logit("好看") == 2.0 + biased.sum("好看") == pytest.approx(3.5)
    assert table.logit("好看") == table.sum("好看")  # no bias: 0.0
    with pytest.raises(TypeError, match="str"):
        biased.logit(None)
    with pytest.raises(ValueError, match="code point out of range"):
        native.Folder({0x110000: 1}, [], {}, Views)
    with pytest.raises(ValueError, match="range"):
        native.Folder({}, [(5, 2)], {}, Views)
    with pytest.raises(TypeError, match="int, str or None"):
        native.Folder({65: 1.5}, [], {}, Views)
    with pytest.raises(TypeError, match="tuple type"):
        native.Folder({}, [], {}, dict)
    fold: dict[int, int | str | None] = {65: "xy", 66: None, 67: 68}
    folder = native.Folder(fold, [(0x30, 0x39)], {ord("x"): ord("X")}, Views)
    assert folder.views("AAB0C9z") == Views("xyxyDz", "xyxyDz", "XyXyDz")
    assert folder.offsets("AAB0C9z") == [0, 0, 1, 1, 4, 6]
    assert folder.offsets("Cz") is None  # one character each: the same indexes
    with pytest.raises(TypeError, match="str"):
        folder.offsets(b"bytes")
    with pytest.raises(TypeError, match="str"):
        folder.views(b"bytes")
    unset = native.Folder.__new__(native.Folder)
    with pytest.raises(RuntimeError, match="not initialized"):
        unset.views("a")
    with pytest.raises(RuntimeError, match="not initialized"):
        unset.offsets("a")


@pytest.mark.parametrize(
    ("text", "marks"),
    [
        ("好看", 0),
        ("ＶＸ", LETTER),  # full width folds to Latin in the base view
        ("加❶❸⑧", DIGIT),  # styled digits fold to digits
        ("一三八", NUMERAL | NUMERAL_RUN),
        ("一三a八", NUMERAL | LETTER),  # a run is three in a row in the base view
        ("一，三❤八", NUMERAL | NUMERAL_RUN),  # deleted in the base view: no break
        ("么么么", NUMERAL | NUMERAL_RUN),  # in the base view, not the collapsed one
        ("留个亻言号", PART),
        ("Q亻言 1", DIGIT | LETTER | PART),
        ("❤", 0),  # deleted in the base view: marks nothing
    ],
)
def test_the_marks_name_what_the_text_holds(text: str, marks: int) -> None:
    norm = default_normalizer()
    assert norm.views(text).marks == marks
    assert python_views(norm, text).marks == marks


def test_every_pair_start_is_marked_in_the_original_text_only() -> None:
    norm = default_normalizer()
    starts = sorted(part_starts())
    assert "亻" in starts
    for ch in starts:
        assert norm.views(ch).marks & PART, ch
    # A character that folds into a pair's start is not one in the text as typed.
    folded = [chr(cp) for cp, v in norm.fold.items() if isinstance(v, int) and chr(v) in starts]
    for ch in folded[:50]:
        if ch not in starts:
            assert not norm.views(ch).marks & PART, ch


def test_the_compiled_marks_reject_bad_tables() -> None:
    with pytest.raises(ValueError, match="0-255"):
        native.Folder({}, [], {}, Views, {65: 256})
    with pytest.raises(TypeError):
        native.Folder({}, [], {}, Views, {65: "x"})
    with pytest.raises(ValueError, match="code point out of range"):
        native.Folder({}, [], {}, Views, {0x110000: 1})
    folder = native.Folder({}, [], {}, Views, {ord("a"): LETTER, ord("b"): PART})
    assert folder.views("ab").marks == LETTER | PART
    assert native.Folder({}, [], {}, Views).views("ab").marks == 0


def summary(analysis: object) -> list[object]:
    """Return an analysis as plain JSON-able lists (findings with evidence, the verdict)."""
    sensitive, verdict = analysis  # type: ignore[misc]
    found = [(f.category, f.via, [[e.term, e.start, e.end] for e in f.evidence]) for f in sensitive]
    return [sorted(found), None if verdict is None else [verdict.negative, round(verdict.score, 9)]]


def analyses(texts: list[str]) -> list[list[object]]:
    """Return the summaries of the shipped detector's analyses, one user per 40 rows."""
    det = shipped_detector()
    return [summary(det.analyze(t, "comment", f"u{i % 40}", float(i))) for i, t in enumerate(texts)]


def test_the_pure_python_path_gives_the_same_analysis() -> None:
    texts = corpus()[::7][:1500]
    here = analyses(texts)
    script = (
        "import json, sys\n"
        "from monitor.detect import native\n"
        "assert not native.AVAILABLE\n"
        "from tests.test_detect_native import analyses\n"
        "print(json.dumps(analyses(json.load(sys.stdin))))\n"
    )
    env = {**os.environ, "ROOMWATCH_PURE_PYTHON": "1"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=True,
    )
    assert json.loads(done.stdout) == json.loads(json.dumps(here))
