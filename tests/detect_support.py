"""What the detection tests share: the shipped detector and the categories it finds."""

from __future__ import annotations

from config.detection import DetectionConfig
from config.loader import default_config_path, load_config
from monitor.detect.detector import LexiconDetector
from monitor.detect.lexicon import CompiledLexicon, Role
from monitor.detect.normalize import Normalizer

Found = tuple[str, int, int, bool, bool]


def rules_only(detection: DetectionConfig) -> DetectionConfig:
    """Return a detection config without the learned second opinion: the rule tests pin
    what the rules do (tests/test_detect_classifier.py covers the model)."""
    off = detection.classifier.model_copy(update={"enabled": False})
    return detection.model_copy(update={"classifier": off})


def shipped_detector(model: bool = False) -> LexiconDetector:
    """Return a detector built from the shipped default config (a fresh one each call);
    rules only unless `model`."""
    config = load_config(default_config_path())
    detection = config.detection if model else rules_only(config.detection)
    return LexiconDetector(detection, config.base_dir)


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
