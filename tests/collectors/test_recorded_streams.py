"""Recorded-stream fixtures: replaying them pins the decoders; live sessions replay identically."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from monitor.collectors.record import FrameRecorder, read_recording
from monitor.collectors.replay import ReplayCollector
from tests.collectors.helpers import Sink, new_stats
from tests.collectors.streams import FIXTURES, PLATFORMS, decoder_for, normalized, record_session


async def replay(platform: str, path: Path) -> tuple[Sink, dict[str, int]]:
    stats = new_stats(platform)
    sink = Sink()
    col = ReplayCollector(
        name=platform, path=path, decoder=decoder_for(platform, stats), stats=stats, speed=0
    )
    await col.run(sink)
    return sink, stats.errors


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_committed_fixture_replays_to_pinned_events(platform: str) -> None:
    expected = orjson.loads((FIXTURES / f"{platform}.expected.json").read_bytes())
    sink, errors = await replay(platform, FIXTURES / f"{platform}.jsonl")
    assert [normalized(e) for e in sink.events] == expected["events"]
    assert errors == expected["errors"]


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_live_session_recording_replays_identically(platform: str, tmp_path: Path) -> None:
    path = tmp_path / f"{platform}.jsonl"
    live, stats = await record_session(platform, path)
    frames = list(read_recording(path))
    assert any(not f.incoming for f in frames)  # what we sent (auth, acks, heartbeats) is kept
    sink, errors = await replay(platform, path)
    assert [normalized(e) for e in sink.events] == [normalized(e) for e in live]
    assert errors == stats.errors


async def test_paced_replay_and_damaged_recording(tmp_path: Path) -> None:
    path = tmp_path / "paced.jsonl"
    rec = FrameRecorder(path)
    rec.record(orjson.dumps({"batch": [{"type": "chat", "channel": "ch-1", "body": "a"}]}).decode())
    await rec.flush()
    stats = new_stats("generic")
    col = ReplayCollector(
        name="g", path=path, decoder=decoder_for("generic", stats), stats=stats, speed=1000
    )
    sink = Sink()
    await col.run(sink)
    assert sink.texts() == ["a"]
    path.write_text('{"t": 0, "type": "bin"}\n')
    with pytest.raises(ValueError, match=r"paced\.jsonl:1"):
        list(read_recording(path))
