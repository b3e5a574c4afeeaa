"""A destination's message budget: sliding windows of sends and a pause after a refusal.

Pure arithmetic over the times it is given, so tests drive it with any clock.
"""

from __future__ import annotations

from collections import deque

from config.notify import BudgetConfig


class Budget:
    """Count sends per window (e.g. 4 a second and 95 a minute) and honour pauses."""

    def __init__(self, limits: list[tuple[int, float]], throttle_pause: float = 60.0) -> None:
        self.limits = [(count, window) for count, window in limits if count > 0]
        self.throttle_pause = throttle_pause
        longest = max((count for count, _ in self.limits), default=0)
        self._sent: deque[float] = deque(maxlen=max(1, longest))
        self.paused_until = 0.0

    @classmethod
    def from_config(cls, cfg: BudgetConfig) -> Budget:
        return cls([(cfg.per_second, 1.0), (cfg.per_minute, 60.0)], cfg.throttle_pause)

    @property
    def limited(self) -> bool:
        return bool(self.limits)

    def wait(self, now: float) -> float:
        """Return how long until one more message may go (0: now)."""
        wait = max(0.0, self.paused_until - now)
        for count, window in self.limits:
            recent = [t for t in self._sent if t > now - window]
            if len(recent) >= count:
                wait = max(wait, recent[-count] + window - now)
        return wait

    def available(self, now: float) -> int:
        """Return how many messages may go right now, one after the other."""
        if now < self.paused_until:
            return 0
        free = 1_000_000
        for count, window in self.limits:
            free = min(free, count - sum(1 for t in self._sent if t > now - window))
        return max(0, free)

    def spare(self, now: float) -> int:
        """Return how many messages may go one by one while keeping enough for digests.

        Of a window of a minute or more, half is kept back: a storm spends the first
        half one message per alert and the rest on digests of whatever piled up since,
        so it is all out within seconds instead of waiting for the next minute. Of a
        shorter window one message is kept back.
        """
        if now < self.paused_until:
            return 0
        spare = 1_000_000
        for count, window in self.limits:
            used = sum(1 for t in self._sent if t > now - window)
            keep = count // 2 if window >= 60 else 1
            spare = min(spare, count - used - keep)
        return spare

    def spend(self, now: float) -> None:
        if self.limits:
            self._sent.append(now)

    def pause(self, now: float, seconds: float | None) -> float:
        """Refuse sends for `seconds` (the configured pause when the receiver said nothing)."""
        wait = self.throttle_pause if seconds is None else seconds
        self.paused_until = max(self.paused_until, now + wait)
        return self.paused_until
