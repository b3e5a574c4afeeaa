"""Clocks: the wall clock for production and a manual one for tests."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """Tell the current time in seconds since the epoch."""

    def now(self) -> float: ...


class SystemClock:
    """Read the machine's wall clock."""

    def now(self) -> float:
        return time.time()


class ManualClock:
    """Hold a time that only moves when a test moves it."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        self._now += seconds
        return self._now

    def set(self, ts: float) -> None:
        self._now = ts
