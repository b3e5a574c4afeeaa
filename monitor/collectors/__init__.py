"""Collectors: each turns one source's stream into Events."""

from monitor.collectors.base import Collector, Emit, supervise

__all__ = ["Collector", "Emit", "supervise"]
