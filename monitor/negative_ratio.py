"""The share of negative comments per room over a sliding window, read at scrape time.

Counts live in one-second buckets per room with running totals, so recording a comment
is O(1) and a scrape costs O(rooms) plus the seconds elapsed since the last touch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from alerts.clock import Clock

DEFAULT_WINDOW = 120


class _RoomWindow:
    """One room's per-second comment and negative counts over the window."""

    __slots__ = (
        "comments",
        "ever_comments",
        "ever_negatives",
        "head",
        "negatives",
        "total_comments",
        "total_negatives",
    )

    def __init__(self, size: int) -> None:
        self.comments = [0] * size
        self.negatives = [0] * size
        self.total_comments = 0
        self.total_negatives = 0
        self.ever_comments = 0  # since start, for rates taken over other windows
        self.ever_negatives = 0
        self.head = -1  # the newest second the buckets describe

    def advance(self, second: int) -> None:
        """Expire the buckets that fell out of the window by `second`."""
        if second <= self.head:
            return
        size = len(self.comments)
        if self.head < 0 or second - self.head >= size:
            for i in range(size):
                self.comments[i] = self.negatives[i] = 0
            self.total_comments = self.total_negatives = 0
        else:
            for s in range(self.head + 1, second + 1):
                i = s % size
                self.total_comments -= self.comments[i]
                self.total_negatives -= self.negatives[i]
                self.comments[i] = self.negatives[i] = 0
        self.head = second


class NegativeRatio:
    """Per-room ratio of negative comments to all comments in the last `window` seconds."""

    def __init__(self, rooms: Iterable[str], clock: Clock, window: int = DEFAULT_WINDOW) -> None:
        if window < 1:
            raise ValueError("window: must be at least 1 second")
        self._clock = clock
        self.window = window
        # Rooms are fixed from the config: input can never add a label value.
        self._rooms = {room: _RoomWindow(window) for room in rooms}

    def add(self, room: str, negative: bool) -> None:
        """Count one comment of `room`, negative or not."""
        w = self._rooms.get(room)
        if w is None:
            return
        second = int(self._clock.now())
        if second > w.head:
            w.advance(second)
        i = second % self.window
        w.comments[i] += 1
        w.total_comments += 1
        w.ever_comments += 1
        if negative:
            w.negatives[i] += 1
            w.total_negatives += 1
            w.ever_negatives += 1

    def ratio(self, room: str) -> float:
        """Return the negative share for `room` now (0 when it had no comments)."""
        w = self._rooms[room]
        w.advance(int(self._clock.now()))
        return w.total_negatives / w.total_comments if w.total_comments else 0.0

    def read(self) -> Iterator[tuple[tuple[str], float]]:
        """Yield ((room,), ratio) for every configured room."""
        for room in self._rooms:
            yield (room,), self.ratio(room)

    def counts(self) -> tuple[dict[str, float], dict[str, float]]:
        """Return the comments and the negative comments of each room since start."""
        rooms = self._rooms.items()
        return (
            {room: float(w.ever_comments) for room, w in rooms},
            {room: float(w.ever_negatives) for room, w in rooms},
        )
