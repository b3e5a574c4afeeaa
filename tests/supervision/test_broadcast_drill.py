"""The broadcast drill: its review matches the events replayed, and the questions plan
fires and resolves while it plays."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from alerts.model import SignalKind
from alerts.store.memory import MemoryStore
from config.loader import default_config_path, load_config
from monitor.app import build_detector
from monitor.collectors.recording import RecordedEvent, read_recording
from monitor.events import CommentEvent
from monitor.replay import replay_in_process
from tests.detect_support import compile_once, share_compiles

DRILLS = Path(__file__).resolve().parents[2] / "config" / "drills"
DRILL = DRILLS / "broadcast-drill.jsonl"
EXPECTED = json.loads((DRILLS / "broadcast-drill.expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def replayed() -> tuple[Any, MemoryStore]:
    import asyncio

    store = MemoryStore()
    config = load_config(default_config_path())
    report = asyncio.run(
        replay_in_process(
            DRILL, config, 0, io.StringIO(), tail=200, store=store, compiler=compile_once
        )
    )
    return report, store


async def _viewer_comments() -> list[CommentEvent]:
    out = []
    async for item in read_recording(DRILL):
        event = item.event if isinstance(item, RecordedEvent) else None
        if isinstance(event, CommentEvent) and event.user != "shop-a":
            out.append(event)
    return out


def test_the_drill_file_is_what_the_generator_writes() -> None:
    import subprocess
    import sys

    script = Path(__file__).resolve().parents[2] / "scripts" / "make_broadcast_drill.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stdout


async def test_every_review_figure_matches_the_events(replayed: tuple[Any, MemoryStore]) -> None:
    report, _ = replayed
    assert len(report.reviews) == 1
    review = report.reviews[0]
    f, e = review["figures"], EXPECTED
    assert review["room"] == e["room"]
    assert review["broadcast"]["started_at"] == e["started_at"]
    assert review["broadcast"]["ended_at"] == e["ended_at"]
    assert f["duration"] == e["ended_at"] - e["started_at"]
    assert f["viewers_peak"] == e["viewers_peak"]
    assert f["viewers_avg"] == pytest.approx(e["viewers_avg"])
    assert f["viewers_seen"] == e["viewers_seen"]
    assert f["interacting_users"] == e["interacting_users"]
    # Interacting users over the audience: the distinct users seen or the peak of online
    # viewers, whichever is larger (docs/supervision.md).
    audience = max(e["viewers_seen"], e["viewers_peak"])
    assert f["interaction_rate"] == pytest.approx(e["interacting_users"] / audience)
    assert f["comments"] == e["comments"]
    assert f["comments_per_min"] == pytest.approx(e["comments"] / 10.0)
    assert f["likes"] == e["likes"]
    assert f["likes_per_min"] == pytest.approx(e["likes"] / 10.0)
    assert (f["follows"], f["follower_growth"]) == (e["follows"], e["follower_growth"])
    assert (f["gifts"], f["gift_value"]) == (e["gifts"], e["gift_value"])
    assert f["replies"] == 6

    # Flags as the detector gives them for the viewers' comments.
    detector = build_detector(load_config(default_config_path()), compiler=compile_once)
    negative, flagged = 0, {}
    for c in await _viewer_comments():
        flags = detector.detect(c)
        negative += any(s.kind is SignalKind.NEGATIVE for s in flags)
        for s in flags:
            if s.kind in (SignalKind.SENSITIVE, SignalKind.NEGATIVE):
                key = s.category or s.kind.value
                flagged[key] = flagged.get(key, 0) + 1
    assert f["negative"] == negative
    assert f["negative_share"] == pytest.approx(negative / e["comments"])
    assert f["flagged"] == flagged
    offenders = {o["user"]: o["n"] for o in review["offenders"]}
    assert {u: n for u, n in offenders.items() if u.startswith("spam")} == e["spammers"]
    assert negative >= 3, "the drill's complaints are flagged negative"
    assert set(offenders) - set(e["spammers"]) <= set(e["complainers"])

    # Questions: which, how they closed, who answered, how fast.
    got = [
        {k: q[k] for k in ("id", "state", "answer_seconds", "closed_by")}
        for q in review["questions"]
    ]
    assert got == e["questions"]
    assert f["questions"] == len(e["questions"])
    assert f["questions_answered"] == len(e["answer_seconds"])
    assert f["questions_missed"] == len(e["questions"]) - len(e["answer_seconds"])
    assert f["questions_in_time"] == e["questions_in_time"]
    assert f["answer_median"] == pytest.approx(_median(e["answer_seconds"]))
    assert f["answered_by"] == {"reply": len(e["answer_seconds"])}

    # Series: one point a minute, summing to the totals.
    s = review["series"]
    assert len(s["t"]) == 10  # ten minutes, one point a minute
    assert sum(s["comments"]) == f["comments"] and sum(s["likes"]) == f["likes"]
    assert max(v for v in s["viewers_max"] if v is not None) == f["viewers_peak"]


def _median(values: list[float]) -> float:
    v = sorted(values)
    mid = len(v) // 2
    return v[mid] if len(v) % 2 else (v[mid - 1] + v[mid]) / 2


async def test_review_lists_the_incidents_of_the_broadcast(
    replayed: tuple[Any, MemoryStore],
) -> None:
    report, store = replayed
    review = report.reviews[0]
    created = [
        a
        for a in report.alerts
        if a["action"] == "created"
        and EXPECTED["started_at"] <= a["started_at"] <= EXPECTED["ended_at"]
    ]
    assert [a["id"] for a in review["alerts"]] == [a["id"] for a in created]
    assert {a["plan_id"] for a in review["alerts"]} >= {"questions_unanswered", "sensitive_burst"}
    assert review["figures"]["alerts"] == len(created)
    # The stored review is the same, and listed for its room.
    from monitor.supervision.records import Reviews

    kept = Reviews(store)
    assert await kept.get(review["id"]) == review
    assert [r["id"] for r in await kept.of_room("room-a")] == [review["id"]]


def test_the_questions_plan_fires_and_resolves_in_the_drill(
    replayed: tuple[Any, MemoryStore],
) -> None:
    report, _ = replayed
    ours = [a for a in report.alerts if a["plan_id"] == "questions_unanswered"]
    created = [a for a in ours if a["action"] == "created"]
    resolved = [a for a in ours if a["action"] == "resolved"]
    assert len(created) == 1 and len(resolved) == 1
    assert created[0]["started_at"] >= EXPECTED["plan_fires_after"]
    assert created[0]["started_at"] < EXPECTED["plan_clears_after"]
    assert (
        EXPECTED["plan_clears_after"]
        <= resolved[0]["resolved_at"]
        <= EXPECTED["plan_clears_after"] + 60
    )
    assert created[0]["summary_data"]["kind"] == "all"


async def test_the_monthly_page_sums_the_reviews(tmp_path: Path) -> None:
    """Two replays of the drill (the second a day later) and the month's page over HTTP."""
    import aiohttp
    import orjson

    from tests.supervision.support import serve_config

    store = MemoryStore()
    config = load_config(default_config_path())
    shifted = tmp_path / "next-day.jsonl"
    lines = []
    for line in DRILL.read_text(encoding="utf-8").splitlines():
        obj = orjson.loads(line)
        obj["ts"] += 86_400
        obj["id"] = "next-" + obj["id"]
        lines.append(orjson.dumps(obj).decode())
    shifted.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reviews = []
    for path in (DRILL, shifted):
        report = await replay_in_process(
            path, config, 0, io.StringIO(), tail=200, store=store, compiler=compile_once
        )
        reviews.extend(report.reviews)
    assert len(reviews) == 2

    async with serve_config(config.model_copy(update={"sources": []}), store) as served:
        base = served.base
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            async with http.post(
                f"{base}/api/v1/login", json={"user": "lead", "password": "lead"}
            ) as r:
                assert r.status == 200
            async with http.get(f"{base}/api/v1/reports/evaluation?month=2025-12") as r:
                body = await r.json()
    assert [r["id"] for r in body["reviews"]] == [r["id"] for r in reviews]
    rows = {row["person"]: row for row in body["rows"]}
    assert list(rows) == ["demo"]  # the shop account's replies are demo's
    demo = rows["demo"]
    waits = EXPECTED["answer_seconds"] * 2
    assert demo["broadcasts"] == 2
    assert demo["questions_answered"] == len(waits)
    assert demo["questions_in_time"] == 2 * EXPECTED["questions_in_time"]
    assert demo["answered_in_time_share"] == pytest.approx(
        EXPECTED["questions_in_time"] / len(EXPECTED["answer_seconds"])
    )
    assert demo["answer_median"] == pytest.approx(_median(waits))
    # And the same as adding up what each review says demo did.
    assert demo["questions_answered"] == sum(
        r["people"]["demo"]["questions_answered"] for r in reviews
    )
    assert demo["alerts_acked"] == sum(r["people"]["demo"]["alerts_acked"] for r in reviews)


def test_the_replay_command_names_the_review(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from monitor.cli import main

    share_compiles(monkeypatch)
    assert main(["replay", str(DRILL), "--speed", "0", "--tail", "200"]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.startswith("review room-a-") and "9/10 questions answered (6 in time)" in last
