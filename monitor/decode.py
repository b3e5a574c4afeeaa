"""`roomwatch decode --platform P FILE`: print the events a raw-frame recording holds.

The recording is what a source's `record_path` writes (docs/collectors.md). Incoming
frames go through the platform's decoder in order, with the collector's id dedup; events
are printed as JSONL (docs/events.md), and what was not an event (decode errors by
reason, ignored message types, unknown types) is summarised on stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from prometheus_client import CollectorRegistry

from monitor.cli import EXTRA_COMMANDS
from monitor.collectors.common import RecentIds, SourceStats
from monitor.collectors.record import read_recording
from monitor.collectors.wsbase import FrameDecoder
from monitor.events import AnyEvent, event_to_json
from monitor.metrics import ServiceMetrics


class RecordingClock:
    """The time of the frame being decoded (seconds since the recording started)."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


DecoderFactory = Callable[[str, str, SourceStats, RecordingClock], FrameDecoder]


def _douyin(room: str, source: str, stats: SourceStats, clock: RecordingClock) -> FrameDecoder:
    from monitor.collectors.douyin_codec import DouyinPushDecoder

    return DouyinPushDecoder(room=room, source=source, stats=stats, now=clock)


def _bilibili(room: str, source: str, stats: SourceStats, clock: RecordingClock) -> FrameDecoder:
    from monitor.collectors.bilibili_codec import BilibiliDecoder
    from monitor.collectors.bilibili_commands import CommandMapper

    return BilibiliDecoder(CommandMapper(room=room, source=source, stats=stats), stats)


def _tiktok(room: str, source: str, stats: SourceStats, clock: RecordingClock) -> FrameDecoder:
    from monitor.collectors.tiktok_codec import TikTokPushDecoder

    return TikTokPushDecoder(room=room, source=source, stats=stats, now=clock)


def _kuaishou(room: str, source: str, stats: SourceStats, clock: RecordingClock) -> FrameDecoder:
    from monitor.collectors.kuaishou_codec import KuaishouDecoder

    return KuaishouDecoder(room=room, source=source, stats=stats, now=clock)


DECODERS: dict[str, DecoderFactory] = {
    "douyin": _douyin,
    "bilibili": _bilibili,
    "bilibili_open": _bilibili,
    "tiktok": _tiktok,
    "kuaishou": _kuaishou,
}


@dataclass
class DecodeSummary:
    """What a recording held besides its events."""

    frames: int = 0
    events: int = 0
    duplicates: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    ignored: dict[str, int] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"frames {self.frames}, events {self.events}, duplicates {self.duplicates}"]
        errors = {k: v for k, v in self.errors.items() if v}
        out.append(
            "decode errors: " + (", ".join(f"{k} {v}" for k, v in sorted(errors.items())) or "none")
        )
        ignored = sorted(self.ignored.items(), key=lambda kv: (-kv[1], kv[0]))
        out.append("ignored: " + (", ".join(f"{k} {v}" for k, v in ignored) or "none"))
        if self.unknown:
            out.append("unknown types: " + ", ".join(sorted(self.unknown)))
        return out


def decode_recording(
    path: Path, platform: str, out: TextIO, *, room: str = "capture"
) -> DecodeSummary:
    """Print the events of a recording as JSONL to `out`; return the summary."""
    stats = SourceStats(platform, ServiceMetrics(CollectorRegistry()))
    clock = RecordingClock()
    decoder = DECODERS[platform](room, platform, stats, clock)
    recent = RecentIds()
    summary = DecodeSummary()

    def emit(events: list[AnyEvent]) -> None:
        for event in events:
            if not event.id.startswith("rw-") and recent.seen(event.id):
                summary.duplicates += 1
                continue
            summary.events += 1
            out.write(event_to_json(event).decode() + "\n")

    for frame in read_recording(path):
        if not frame.incoming:
            continue
        clock.t = frame.t
        summary.frames += 1
        emit(decoder.decode(frame.data).events)
    drain = getattr(decoder, "drain", None)
    if callable(drain):
        emit(drain())  # gift streaks still open when the recording ends
    summary.errors = dict(stats.errors)
    summary.ignored = dict(stats.ignored)
    summary.unknown = sorted(stats.unknown_methods)
    return summary


def cmd_decode(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"decode: cannot read {path}", file=sys.stderr)
        return 2
    try:
        summary = decode_recording(path, args.platform, sys.stdout, room=args.room)
    except ValueError as exc:  # a damaged recording line names itself
        print(f"decode: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader (head, less) stopped early
        sys.stderr.close()
        return 0
    for line in summary.lines():
        print(f"decode: {line}", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `decode` subcommand."""
    p = sub.add_parser("decode", help="print the events of a raw-frame recording as JSONL")
    p.add_argument("--platform", required=True, choices=sorted(DECODERS))
    p.add_argument("--room", default="capture", help="room id to put on the events")
    p.add_argument("file", help="a recording written by a source's record_path")
    p.set_defaults(func=cmd_decode)


EXTRA_COMMANDS.append(register)
