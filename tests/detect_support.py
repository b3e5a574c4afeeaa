"""What the detection tests share: the shipped detector and the categories it finds."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest

from config.detection import DetectionConfig
from config.loader import default_config_path, load_config
from monitor.detect.detector import LexiconDetector
from monitor.detect.lexicon import CompiledLexicon, Role
from monitor.detect.normalize import Normalizer, default_normalizer
from monitor.detect.source import LexiconInputs

Found = tuple[str, int, int, bool, bool]
# Compiled lexicons by what they were compiled from, with how often each was asked for: the
# shipped one takes seconds to compile and dozens of modules build a detector of it. A few
# are kept (one is a few hundred MB); a new one pushes out the least asked for.
_KEEP = 3
_compiled: dict[LexiconInputs, tuple[CompiledLexicon, int]] = {}
_compile = LexiconInputs.compile  # the compile itself, also while `share_compiles` stands in


@functools.cache
def shared_normalizer() -> Normalizer:
    """Return the normalizer every detector of `fresh_detector` shares (it only caches)."""
    return default_normalizer()


def compile_once(inputs: LexiconInputs) -> CompiledLexicon:
    """Return the lexicon of `inputs`, compiled once per session (it is never changed)."""
    if inputs in _compiled:
        lexicon, asked = _compiled[inputs]
        _compiled[inputs] = (lexicon, asked + 1)
        return lexicon
    if len(_compiled) >= _KEEP:
        del _compiled[min(_compiled, key=lambda k: _compiled[k][1])]
    lexicon = _compile(inputs, shared_normalizer())
    _compiled[inputs] = (lexicon, 1)
    return lexicon


def share_compiles(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the detectors the code under test builds for itself (the CLI's, which takes no
    compiler) get their lexicons from `compile_once` until the test ends."""
    monkeypatch.setattr(LexiconInputs, "compile", lambda inputs, _: compile_once(inputs))


def fresh_detector(
    detection: DetectionConfig, base_dir: Path | None, **kwargs: Any
) -> LexiconDetector:
    """Return a new LexiconDetector, as `LexiconDetector(detection, base_dir, **kwargs)`,
    with its own windows and state; its lexicon, read from the files as ever, is compiled
    once for every detector built here from the same terms."""
    return LexiconDetector(
        detection, base_dir, normalizer=shared_normalizer(), compiler=compile_once, **kwargs
    )


def rules_only(detection: DetectionConfig) -> DetectionConfig:
    """Return a detection config without the learned second opinion: the rule tests pin
    what the rules do (tests/test_detect_classifier.py covers the model)."""
    off = detection.classifier.model_copy(update={"enabled": False})
    return detection.model_copy(update={"classifier": off})


def shipped_detector(model: bool = False) -> LexiconDetector:
    """Return a detector built from the shipped default config (a fresh one each call, its
    compiled lexicon shared: see `fresh_detector`); rules only unless `model`."""
    config = load_config(default_config_path())
    detection = config.detection if model else rules_only(config.detection)
    return fresh_detector(detection, config.base_dir)


def cats(det: LexiconDetector, text: str, scope: str = "comment", user: str = "") -> set[str]:
    """Return the sensitive categories a text is flagged in."""
    return {f.category for f in det.analyze(text, scope, user=user, ts=1.0).sensitive}


def compiled(
    normalizer: Normalizer,
    *entries: tuple[str, Role, str],
    homophones: frozenset[str] = frozenset(),
) -> CompiledLexicon:
    """Return a small lexicon of `entries`, heard by sound in the `homophones` categories."""
    return CompiledLexicon(normalizer, list(entries), homophones)


def deny(lexicon: CompiledLexicon, text: str) -> list[Found] | None:
    """Return (term, start, end, homophone, latin) of each deny hit; None: nothing matched."""
    result = lexicon.scan(text, lexicon.normalizer.views(text))
    if result is None:
        return None
    return [(h.term.text, h.start, h.end, h.homophone, h.latin) for h in result.deny]


def negative(det: LexiconDetector, text: str) -> bool:
    """Return True when a comment is found negative (it always gets a verdict)."""
    verdict = det.analyze(text, "comment").sentiment
    assert verdict is not None
    return verdict.negative


def cue(name: str, text: str) -> bool:
    """Return True when the sentiment cue `name` matches the text."""
    from monitor.detect.sentiment_cues import SENTIMENT_CUES

    return name in SENTIMENT_CUES.matches(text)


def split_categories(det: LexiconDetector, parts: list[str]) -> set[str]:
    """Return the categories found over one user's consecutive comments `parts`."""
    user = f"room\x1f{'-'.join(parts)}"
    found: set[str] = set()
    for i, part in enumerate(parts):
        found |= {f.category for f in det.analyze(part, "comment", user, 50.0 + i).sensitive}
    return found


def corpus() -> list[str]:
    """Return every text of the project's labeled sets (not the blind ones)."""
    root = Path(__file__).resolve().parents[1]
    texts: list[str] = []
    for folder in ("detect", "sentiment", "questions"):
        for path in sorted((root / "data" / folder).glob("*.tsv")):
            for line in path.read_text("utf-8").splitlines():
                if line and not line.startswith("#"):
                    texts.append(line.rsplit("\t", 1)[-1])
    return texts
