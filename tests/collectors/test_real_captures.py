"""Real frames captured from the platforms (tests/fixtures/real/PROVENANCE.md) decode to
the events their publishers extract, through `roomwatch decode`, and no known method is
counted as an error."""

from __future__ import annotations

import base64
import binascii
import io
import subprocess
import sys
from pathlib import Path

import orjson

from monitor.collectors.bilibili_codec import OP_MESSAGE, VER_JSON, pack
from monitor.collectors.proto import webcast_pb2 as pb
from monitor.decode import decode_recording

REAL = Path(__file__).parent.parent / "fixtures" / "real"
ROOMWATCH = [sys.executable, "-c", "import sys; from monitor.cli import main; sys.exit(main())"]


def b64_file(name: str) -> bytes:
    return base64.b64decode("".join((REAL / name).read_text().split()))


def recording(tmp_path: Path, frames: list[bytes]) -> Path:
    path = tmp_path / "capture.jsonl"
    with path.open("wb") as fh:
        for i, data in enumerate(frames):
            line = {"t": i * 0.5, "dir": "in", "type": "bin", "data": base64.b64encode(data)}
            fh.write(orjson.dumps({**line, "data": line["data"].decode()}) + b"\n")
    return path


def decoded(path: Path, platform: str) -> tuple[list[dict[str, object]], object]:
    out = io.StringIO()
    summary = decode_recording(path, platform, out)
    return [orjson.loads(line) for line in out.getvalue().splitlines()], summary


def douyin_frames() -> list[bytes]:
    inner = b64_file("douyin/like_member_2024.gz.b64")  # a gzip Response: wrap it in its frame
    wrapped = pb.PushFrame(seq_id=1, log_id=7394412160, payload_type="msg", payload=inner)
    wrapped.headers.add(key="compress_type", value="gzip")
    return [
        binascii.unhexlify((REAL / "douyin/chat_2022.hex").read_text().strip()),
        wrapped.SerializeToString(),
        b64_file("douyin/member_2026.b64"),
        b64_file("douyin/gift_2026.b64"),
    ]


def test_real_douyin_frames_decode_to_the_events_peers_extract(tmp_path: Path) -> None:
    events, summary = decoded(recording(tmp_path, douyin_frames()), "douyin")
    kinds = [e["kind"] for e in events]
    assert kinds == ["comment", "like", "member", "member", "gift"]
    chat, like, _, member, gift = events
    assert (chat["nickname"], chat["text"]) == ("渴死的鱼.", "百分之10可以直播半小时")
    assert chat["id"] == "dy:7181859941539730490"
    assert (like["count"], like["total"], like["user"]) == (1, 6227, "2880340959168492")
    assert member["nickname"] == "李同学讲AI（洛洛助手版）"
    # The 2026 combo (group_id set, repeat_end 0) is one gift: 1 × 小心心 (1 diamond).
    assert (gift["gift"], gift["count"], gift["value"]) == ("小心心", 1, 0.1)
    assert (gift["user"], gift["nickname"]) == ("7616955499716920369", "李同学讲AI（洛洛助手版）")
    assert gift["ts"] == 1776121373.297
    # The other three methods of that frame are known and ignored, not errors.
    assert sum(summary.errors.values()) == 0 and summary.unknown == []
    assert summary.ignored == {
        "WebcastInRoomBannerMessage": 1,
        "WebcastLinkerContributeMessage": 1,
        "WebcastRanklistHourEntranceMessage": 1,
    }


def test_decode_command_prints_jsonl_and_summarises_on_stderr(tmp_path: Path) -> None:
    path = recording(tmp_path, [*douyin_frames()[3:], b"\n\xff damaged"])
    proc = subprocess.run(
        [*ROOMWATCH, "decode", "--platform", "douyin", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    lines = [orjson.loads(line) for line in proc.stdout.splitlines()]
    assert [(e["kind"], e["gift"]) for e in lines] == [("gift", "小心心")]
    assert "decode errors: malformed 1" in proc.stderr
    assert "WebcastInRoomBannerMessage 1" in proc.stderr


def test_decode_command_rejects_a_damaged_recording(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"t": 0, "dir": "in", "type": "bin", "data": "AAA="}\nnot json\n')
    proc = subprocess.run(
        [*ROOMWATCH, "decode", "--platform", "bilibili", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1 and "bad.jsonl:2: not a recorded frame" in proc.stderr


def bili_packet(command: dict[str, object]) -> bytes:
    return pack(OP_MESSAGE, orjson.dumps(command), ver=VER_JSON)


def test_real_bilibili_commands_decode(tmp_path: Path) -> None:
    pb_body = "".join((REAL / "bilibili/interact_word_v2.pb.b64").read_text().split())
    frames = [
        bili_packet({"cmd": "INTERACT_WORD_V2", "data": {"dmscore": 36, "pb": pb_body}}),
        bili_packet(orjson.loads((REAL / "bilibili/guard_buy.json").read_bytes())),
        bili_packet(orjson.loads((REAL / "bilibili/user_toast_msg.json").read_bytes())),
    ]
    events, summary = decoded(recording(tmp_path, frames), "bilibili")
    enter, guard = events
    assert (enter["kind"], enter["user"], enter["nickname"]) == (
        "member",
        "1236375744",
        "千千家の空七",
    )
    assert enter["ts"] == 1751955738.0
    assert (guard["kind"], guard["gift"], guard["count"], guard["value"]) == (
        "gift",
        "舰长",
        1,
        198.0,
    )
    assert guard["user"] == "96820781"
    # USER_TOAST_MSG repeats the purchase: ignored, so it is not counted twice.
    assert summary.ignored == {"USER_TOAST_MSG": 1}
    assert sum(summary.errors.values()) == 0
