"""Authentication failures: counted in a metric and logged, never in the audit log.

The audit log records what authenticated people did; traffic without credentials cannot
append to it, so it cannot push earlier records out of its capped list. Failures go to
`roomwatch_auth_failures_total{kind,reason}` and to this module's logger, at most
LOG_BURST lines per LOG_EVERY seconds (then one line saying how many were left out).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from prometheus_client import Counter

log = logging.getLogger(__name__)

LOG_EVERY = 10.0
LOG_BURST = 20


class AuthFailures:
    """Count and log failed logins and tokens, with the log rate-limited."""

    def __init__(self, counter: Counter, clock: Callable[[], float] = time.monotonic) -> None:
        self._counter = counter
        self._clock = clock
        self._window_start = -LOG_EVERY
        self._logged = 0
        self._left_out = 0

    def record(self, kind: str, reason: str, *, user: str = "", address: str = "") -> None:
        self._counter.labels(kind, reason).inc()
        now = self._clock()
        if now - self._window_start >= LOG_EVERY:
            if self._left_out:
                log.warning("%d more authentication failures not logged", self._left_out)
            self._window_start, self._logged, self._left_out = now, 0, 0
        if self._logged >= LOG_BURST:
            self._left_out += 1
            return
        self._logged += 1
        # A user name from the request is shown bounded and quoted: it is the client's text.
        log.warning("auth failure: %s %s user=%r from %s", kind, reason, user[:64], address)
