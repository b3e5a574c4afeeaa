"""Replay a raw-frame recording through a platform decoder, as a source (drills, regressions)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from monitor.collectors.base import Emit
from monitor.collectors.common import RecentIds, SourceStats
from monitor.collectors.record import read_recording
from monitor.collectors.wsbase import FrameDecoder


class ReplayCollector:
    """Feed a recording's incoming frames to a decoder at `speed` x real time (0 = at once)."""

    def __init__(
        self,
        *,
        name: str,
        path: Path | str,
        decoder: FrameDecoder,
        stats: SourceStats,
        speed: float = 1.0,
        loop: bool = False,
    ) -> None:
        self.name, self.path, self.decoder, self.stats = name, Path(path), decoder, stats
        self.speed, self.loop = speed, loop
        self.recent = RecentIds()

    async def run(self, emit: Emit) -> None:
        frames = await asyncio.to_thread(lambda: list(read_recording(self.path)))
        self.stats.connected(True)
        try:
            while True:
                last = 0.0
                for frame in frames:
                    if not frame.incoming:
                        continue
                    if self.speed > 0 and frame.t > last:
                        await asyncio.sleep((frame.t - last) / self.speed)
                    last = frame.t
                    self.stats.frame()
                    for event in self.decoder.decode(frame.data).events:
                        if event.id.startswith("rw-") or not self.recent.seen(event.id):
                            self.stats.delivered(event)
                            await emit(event)
                if not self.loop:
                    return
                # A looped drill replays the same ids: forget them so each pass counts.
                self.recent = RecentIds()
        finally:
            self.stats.connected(False)
