"""Record raw frames to a JSONL file and read them back, for drills and regression fixtures.

One line per frame: {"t": seconds since the recording started, "dir": "in"|"out",
"type": "bin"|"text", "data": base64 for binary, the text itself otherwise}.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

FLUSH_EVERY = 64


@dataclass(frozen=True, slots=True)
class RecordedFrame:
    t: float
    incoming: bool
    data: bytes | str


class FrameRecorder:
    """Append frames to a file; writes happen off the event loop in small batches."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._start = time.monotonic()
        self._buf: list[bytes] = []

    def record(self, data: bytes | str, *, incoming: bool = True) -> None:
        line = {
            "t": round(time.monotonic() - self._start, 4),
            "dir": "in" if incoming else "out",
            "type": "bin" if isinstance(data, bytes) else "text",
            "data": base64.b64encode(data).decode() if isinstance(data, bytes) else data,
        }
        self._buf.append(orjson.dumps(line) + b"\n")

    async def maybe_flush(self) -> None:
        if len(self._buf) >= FLUSH_EVERY:
            await self.flush()

    async def flush(self) -> None:
        if not self._buf:
            return
        lines, self._buf = self._buf, []
        await asyncio.to_thread(self._write, b"".join(lines))

    def _write(self, blob: bytes) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("ab") as fh:
            fh.write(blob)


def read_recording(path: Path | str) -> Iterator[RecordedFrame]:
    """Yield the frames of a recording; a damaged line raises ValueError naming its number."""
    with Path(path).open("rb") as fh:
        for n, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                obj = orjson.loads(raw)
                data: bytes | str = (
                    base64.b64decode(obj["data"]) if obj["type"] == "bin" else str(obj["data"])
                )
                yield RecordedFrame(float(obj["t"]), obj.get("dir", "in") == "in", data)
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise ValueError(f"{path}:{n}: not a recorded frame ({exc})") from None
