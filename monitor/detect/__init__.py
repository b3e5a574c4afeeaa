"""Detection: turn Events into Signals. Pure and synchronous, no I/O."""

from monitor.detect.base import Detector, KeywordDetector, observe

__all__ = ["Detector", "KeywordDetector", "observe"]
