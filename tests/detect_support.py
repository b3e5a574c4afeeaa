"""What the detection tests share: the shipped detector and the categories it finds."""

from __future__ import annotations

from config.detection import DetectionConfig
from config.loader import default_config_path, load_config
from monitor.detect.detector import LexiconDetector


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
