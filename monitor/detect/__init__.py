"""Detection: the Detector seam, normalization, lexicons, contact rules and sentiment."""

from monitor.detect.base import Detector, observe

__all__ = ["Detector", "observe"]
