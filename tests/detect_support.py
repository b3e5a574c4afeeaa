"""What the detection tests share: the shipped detector and the categories it finds."""

from __future__ import annotations

from config.loader import default_config_path, load_config
from monitor.detect.detector import LexiconDetector


def shipped_detector() -> LexiconDetector:
    """Return a detector built from the shipped default config (a fresh one each call)."""
    config = load_config(default_config_path())
    return LexiconDetector(config.detection, config.base_dir)


def cats(det: LexiconDetector, text: str, scope: str = "comment", user: str = "") -> set[str]:
    """Return the sensitive categories a text is flagged in."""
    return {f.category for f in det.analyze(text, scope, user=user, ts=1.0).sensitive}
