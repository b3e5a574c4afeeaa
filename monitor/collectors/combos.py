"""Gift combos (连击): many pushes for one streak, counted once with the streak's final count.

Douyin and TikTok send a combo as a series of gift messages sharing a group id, each
carrying the streak's count so far. Older traffic marks the last one (`repeat_end` 1);
current Douyin traffic often never does. The rule:

- a gift without a group id is a single gift: emitted at once;
- a streak update is held, keyed by (user, gift, group id), keeping the highest count;
- it is emitted, once, when the platform marks the streak finished, or when no update has
  come for `idle` seconds (checked on every decoded frame and by the collector's timer),
  or when the recording ends;
- the event id names the streak, so a finished streak that is pushed again (reconnect
  history) is dropped by the collector's id dedup.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from monitor.collectors.common import Decoded, SourceStats
from monitor.events import AnyEvent, GiftEvent

COMBO_IDLE = 4.0  # seconds without an update after which a streak is taken as finished
MAX_OPEN = 10_000  # open streaks kept; past that the oldest is emitted early


@dataclass(slots=True)
class _Open:
    event: GiftEvent
    updated: float


class ComboTracker:
    """Hold gift streak updates until each streak is finished; emit each streak once."""

    def __init__(
        self, *, idle: float = COMBO_IDLE, now: Callable[[], float] = time.monotonic
    ) -> None:
        self.idle = idle
        self.now = now
        self._open: OrderedDict[str, _Open] = OrderedDict()

    def __len__(self) -> int:
        return len(self._open)

    def update(self, key: str, event: GiftEvent, *, finished: bool) -> list[GiftEvent]:
        """Record one streak update (its count so far); return what is now complete."""
        held = self._open.pop(key, None)
        if held is not None and held.event.count > event.count:
            event = held.event  # an out-of-order, older update never lowers the count
        if finished:
            return [event]
        self._open[key] = _Open(event, self.now())
        if len(self._open) > MAX_OPEN:
            _, oldest = self._open.popitem(last=False)
            return [oldest.event]
        return []

    def due(self) -> list[GiftEvent]:
        """Return (and forget) the streaks idle for `idle` seconds."""
        limit = self.now() - self.idle
        out: list[GiftEvent] = []
        for key in [k for k, v in self._open.items() if v.updated <= limit]:
            out.append(self._open.pop(key).event)
        return out

    def drain(self) -> list[GiftEvent]:
        """Return every open streak (end of a recording)."""
        out = [v.event for v in self._open.values()]
        self._open.clear()
        return out


class StreakDecoder:
    """What every decoder holding gift streaks shares: counted errors, quiet and open streaks."""

    stats: SourceStats
    combos: ComboTracker

    def _error(self, out: Decoded, reason: str) -> Decoded:
        out.errors += 1
        self.stats.error(reason)
        return out

    def flush_due(self) -> list[AnyEvent]:
        """Return gift streaks that have gone quiet (called by the collector's timer)."""
        return list(self.combos.due())

    def drain(self) -> list[AnyEvent]:
        """Return every streak still open (end of a recording)."""
        return list(self.combos.drain())
