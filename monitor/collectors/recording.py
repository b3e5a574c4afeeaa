"""Recorded events (JSONL, the documented event schema, one per line) and their pacing."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import orjson

from monitor.events import AnyEvent, EventError, event_to_json, parse_event

READ_BATCH = 1_000  # lines read per worker-thread hop; keeps file I/O off the loop


@dataclass(frozen=True, slots=True)
class BadLine:
    """A line of a recording that could not be used, and why."""

    lineno: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.lineno}: {self.reason}"


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """An event of a recording and the line it came from."""

    lineno: int
    event: AnyEvent


def parse_line(
    line: bytes, lineno: int, *, last_ts: float, rooms: frozenset[str] | None
) -> RecordedEvent | BadLine | None:
    """Parse one recording line; None for a blank line or a # comment."""
    stripped = line.strip()
    if not stripped or stripped.startswith(b"#"):
        return None
    try:
        obj = orjson.loads(stripped)
    except orjson.JSONDecodeError as exc:
        return BadLine(lineno, f"malformed JSON: {exc.msg}")
    try:
        # An event without ts keeps the time of the one before it.
        event = parse_event(obj, source="replay", now=last_ts, rooms=rooms)
    except EventError as exc:
        return BadLine(lineno, f"{exc.field}: {exc.reason}")
    return RecordedEvent(lineno, event)


async def read_recording(
    path: Path, *, rooms: frozenset[str] | None = None, start_ts: float = 1.0
) -> AsyncIterator[RecordedEvent | BadLine]:
    """Yield the events and bad lines of a JSONL recording, in file order."""
    handle = await asyncio.to_thread(path.open, "rb")
    try:
        lineno = 0
        last_ts = start_ts
        while True:
            lines = await asyncio.to_thread(_read_some, handle)
            if not lines:
                return
            for line in lines:
                lineno += 1
                item = parse_line(line, lineno, last_ts=last_ts, rooms=rooms)
                if isinstance(item, RecordedEvent):
                    last_ts = item.event.ts
                if item is not None:
                    yield item
    finally:
        await asyncio.to_thread(handle.close)


def _read_some(handle: IO[bytes]) -> list[bytes]:
    return list(itertools.islice(handle, READ_BATCH))


class Pacer:
    """Wait so that events keep their recorded spacing, divided by `speed` (0 = no wait)."""

    def __init__(self, speed: float, monotonic: Callable[[], float]) -> None:
        if speed < 0:
            raise ValueError("speed must be >= 0")
        self._speed = speed
        self._monotonic = monotonic
        self._origin: tuple[float, float] | None = None  # (first event ts, wall start)

    def delay(self, ts: float) -> float:
        """Return how long to wait before the event recorded at `ts` is due."""
        if self._speed == 0:
            return 0.0
        if self._origin is None:
            self._origin = (ts, self._monotonic())
            return 0.0
        first_ts, started = self._origin
        due = started + (ts - first_ts) / self._speed
        return max(0.0, due - self._monotonic())

    async def wait(self, ts: float) -> None:
        delay = self.delay(ts)
        if delay > 0:
            await asyncio.sleep(delay)


def write_recording(events: Iterator[AnyEvent], path: Path) -> int:
    """Write events as a JSONL recording; return how many were written."""
    count = 0
    with path.open("wb") as out:
        for event in events:
            out.write(event_to_json(event) + b"\n")
            count += 1
    return count
