"""roomwatch replay: recordings, pacing, in-process drills and posting to a live server."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import orjson
import pytest
from prometheus_client import CollectorRegistry

from alerts.model import AlertState
from config.loader import default_config_path, load_config, load_config_text
from monitor.app import build_service
from monitor.cli import main
from monitor.collectors.recording import BadLine, Pacer, RecordedEvent, read_recording
from monitor.replay import replay_in_process, replay_to_url
from tests.detect_support import compile_once, share_compiles
from tests.support import running

DRILL = Path(__file__).resolve().parents[1] / "config" / "drills"
DRILL_FILE = DRILL / "incident-drill.jsonl"
DRILL_EVENTS = sum(1 for line in DRILL_FILE.read_text().splitlines() if line)
T0 = 1_763_769_600.0


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "rec.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def comment(ts: float, text: str, room: str = "room-a", user: str = "u1") -> str:
    obj = {"kind": "comment", "room": room, "ts": ts, "text": text, "user": user}
    return orjson.dumps(obj).decode()


async def test_read_recording_reports_bad_lines_with_numbers(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            comment(T0, "你好"),
            "{broken",
            "",
            "# a drill note",
            '{"kind": "comment", "room": "room-a"}',
            '{"kind": "like", "room": "room-a"}',
            comment(T0 + 1, "hi", room="nowhere"),
        ],
    )
    items = [i async for i in read_recording(path, rooms=frozenset({"room-a"}))]
    bad = [str(i) for i in items if isinstance(i, BadLine)]
    assert bad[0].startswith("line 2: malformed JSON: ")  # then orjson's own words
    assert bad[1:] == [
        "line 5: text: is required",
        "line 7: room: unknown room 'nowhere'",
    ]
    good = [i for i in items if isinstance(i, RecordedEvent)]
    assert [g.lineno for g in good] == [1, 6]
    # An event without ts keeps the time of the event before it.
    assert good[1].event.ts == T0


def test_pacer_keeps_relative_timing_scaled_by_speed() -> None:
    now = [100.0]
    pacer = Pacer(4.0, lambda: now[0])
    assert pacer.delay(T0) == 0.0
    assert pacer.delay(T0 + 8) == pytest.approx(2.0)  # 8 s recorded at 4x
    now[0] = 101.5
    assert pacer.delay(T0 + 8) == pytest.approx(0.5)
    now[0] = 110.0
    assert pacer.delay(T0 + 9) == 0.0  # late: never a negative wait
    fast = Pacer(0, lambda: now[0])
    assert fast.delay(T0) == fast.delay(T0 + 3600) == 0.0
    with pytest.raises(ValueError):
        Pacer(-1, lambda: 0.0)


async def test_drill_in_process_raises_every_incident_of_the_recording() -> None:
    out = io.StringIO()
    config = load_config(default_config_path())
    report = await replay_in_process(DRILL_FILE, config, 0, out, tail=200, compiler=compile_once)
    assert (report.events, report.skipped) == (DRILL_EVENTS, 0)
    created = [a["plan_id"] for a in report.alerts if a["action"] == "created"]
    # In recording order: burst at 10-17 s, crash 30-45 s, wave 50-68 s, stream down 75-90 s.
    assert created[:4] == ["sensitive_burst", "viewer_crash", "negative_wave", "stream_down"]
    resolved = {a["plan_id"] for a in report.alerts if a["action"] == "resolved"}
    assert {"sensitive_burst", "stream_down"} <= resolved
    assert {a["room"] for a in report.alerts} == {"room-a"}  # rooms without events are not watched
    first = out.getvalue().splitlines()[0]
    # Offsets are in recorded time: the sensitive burst of the drill is 10-17 s in.
    offset = float(first[2 : first.index("s]")])
    assert 10 <= offset <= 17 and "CREATED" in first and "敏感评论集中出现" in first


async def test_in_process_replay_skips_bad_lines_and_counts_them(tmp_path: Path) -> None:
    lines = [comment(T0 + i, f"加我微信{i}", user=f"u{i}") for i in range(5)]
    lines.insert(1, '{"kind": "comment", "room": "room-a", "text": 5}')
    path = write(tmp_path, lines)
    out = io.StringIO()
    config = load_config_text(
        """
rooms: [{id: room-a}]
detection: {categories: [{id: contact, terms: [加我微信]}]}
plans:
  items: [{id: burst, name: 集中出现, count: {signal: sensitive, min: 5, window: 60}}]
"""
    )
    report = await replay_in_process(path, config, 0, out, as_json=True)
    assert (report.events, report.skipped) == (5, 1)
    first = orjson.loads(out.getvalue().splitlines()[0])
    assert (first["action"], first["alert"]["plan_id"]) == ("created", "burst")
    assert first["alert"]["started_at"] == T0 + 4  # the recorded time, not the wall clock


async def test_replay_to_url_posts_to_a_running_server(tmp_path: Path) -> None:
    config = load_config_text(
        """
rooms: [{id: room-a}]
sources: [{type: http_ingest, id: drill, token: drill-token-42}]
detection: {categories: [{id: contact, terms: [加我微信]}]}
plans:
  items: [{id: burst, name: 集中出现, count: {signal: sensitive, min: 3, window: 60}}]
"""
    )
    service = build_service(config, registry=CollectorRegistry())
    lines = [comment(T0 + i * 0.01, f"加我微信{i}") for i in range(3)]
    lines += ["not json", comment(T0, "hi", room="room-zzz"), comment(T0 + 0.05, "好")]
    path = write(tmp_path, lines)
    out = io.StringIO()
    async with running(service) as base:
        report = await replay_to_url(path, base, "drill-token-42", 50.0, out)
        await service.pipeline.drain(5)
        alerts = await service.store.list_alerts(states=[AlertState.FIRING])
    assert (report.events, report.skipped) == (4, 2)
    assert [a.plan_id for a in alerts] == ["burst"]
    assert out.getvalue() == f"posted 4 events to {base}/api/v1/ingest\n"


def test_cli_replay_prints_alerts_and_summary(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    share_compiles(monkeypatch)
    assert main(["replay", str(DRILL_FILE), "--speed", "0"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "CREATED" in lines[0] and "sensitive_burst" in lines[0]
    # The four incidents, and at 94 s questions_unanswered: nobody answers the viewers.
    assert lines[-1] == f"replayed {DRILL_EVENTS} events, skipped 0 lines, 5 alert(s) raised"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["replay", "/nonexistent.jsonl"], "cannot read /nonexistent.jsonl"),
        (["replay", str(DRILL_FILE), "--speed", "-1"], "--speed must be 0"),
        (["replay", str(DRILL_FILE), "--url", "http://127.0.0.1:9"], "--url needs --token"),
    ],
)
def test_cli_replay_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_cli_replay_unreachable_url_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["replay", str(DRILL_FILE), "--speed", "0", "--url", "http://127.0.0.1:9"]
    assert main([*argv, "--token", "whatever-token"]) == 1
    assert capsys.readouterr().err.startswith("replay: Cannot connect")


async def test_replay_to_url_resends_what_a_busy_server_did_not_take(tmp_path: Path) -> None:
    from aiohttp import web

    bodies: list[list[str]] = []

    async def ingest(request: web.Request) -> web.Response:
        lines = (await request.text()).splitlines()
        bodies.append([orjson.loads(line)["text"] for line in lines])
        if len(bodies) == 1:  # busy: took the first two, asks for the rest again
            data = {"error": "busy", "accepted": 2, "rejected": [], "not_accepted": [2, 3]}
            return web.json_response(data, status=503, headers={"Retry-After": "0"})
        return web.json_response({"accepted": len(lines), "rejected": []})

    app = web.Application()
    app.router.add_post("/api/v1/ingest", ingest)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    path = write(tmp_path, [comment(T0, t) for t in ("a", "b", "c", "d")])
    try:
        report = await replay_to_url(path, f"http://127.0.0.1:{port}", "t", 0, io.StringIO())
    finally:
        await runner.cleanup()
    assert bodies == [["a", "b", "c", "d"], ["c", "d"]]
    assert (report.events, report.skipped) == (4, 0)


def test_cli_replay_with_a_wrong_token_stops_with_the_server_reason(
    capsys: pytest.CaptureFixture[str],
) -> None:
    async def scenario() -> int:
        config = load_config_text(
            "rooms: [{id: room-a}]\nsources: [{type: http_ingest, token: right-token-1}]"
        )
        service = build_service(config, registry=CollectorRegistry())
        async with running(service) as base:
            argv = ["replay", str(DRILL_FILE), "--speed", "0", "--url", base, "--token", "wrong"]
            return await asyncio.to_thread(main, argv)

    assert asyncio.run(scenario()) == 1
    err = capsys.readouterr().err
    assert "answered 401: missing or invalid bearer token" in err


def test_cli_replay_to_a_server_without_ingest_is_a_clear_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    async def scenario() -> int:
        service = build_service(
            load_config_text("rooms: [{id: room-a}]"), registry=CollectorRegistry()
        )
        async with running(service) as base:
            argv = ["replay", str(DRILL_FILE), "--speed", "0", "--url", base, "--token", "t"]
            return await asyncio.to_thread(main, argv)

    assert asyncio.run(scenario()) == 1
    assert "answered 404: no ingest endpoint here" in capsys.readouterr().err
