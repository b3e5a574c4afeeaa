"""`roomwatch replay FILE --speed X`: play a JSONL recording for drills.

Without --url the events run through an in-process pipeline built from the config, on
a clock that follows the recorded times, and the alerts raised are printed. With --url
and --token they are posted to a running roomwatch's ingest endpoint.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import aiohttp
import orjson
from prometheus_client import CollectorRegistry

from alerts.clock import ManualClock
from alerts.manager import AlertChange
from alerts.model import alert_to_dict
from alerts.store.base import AlertStore
from config.loader import default_config_path
from config.schema import Config
from monitor.cli import EXTRA_COMMANDS, _load
from monitor.collectors.recording import BadLine, Pacer, RecordedEvent, read_recording
from monitor.events import event_to_dict

if TYPE_CHECKING:
    from monitor.detect.source import Compiler

DRILLS = default_config_path().parent / "drills"  # shipped with the package

POST_BATCH = 500  # events per ingest request when several are due at once
MAX_TICKS_PER_GAP = 10_000  # a long silence in a recording is jumped, not ticked through
SHOWN_ACTIONS = frozenset({"created", "resolved", "condition_clear"})


@dataclass
class ReplayReport:
    """What a replay did: events sent, lines skipped, alerts raised."""

    events: int = 0
    skipped: int = 0
    alerts: list[dict[str, object]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)  # broadcasts reviewed


async def replay_in_process(
    path: Path,
    config: Config,
    speed: float,
    out: TextIO,
    *,
    as_json: bool = False,
    tail: float = 0.0,
    store: AlertStore | None = None,
    compiler: Compiler | None = None,
) -> ReplayReport:
    """Run the recording through a pipeline built from `config`; print alert changes.

    Only the rooms the recording mentions are watched (a configured room with no events
    would look dead). `tail` keeps the clock running that many recorded seconds past the
    last event so that clears and auto-resolves show (and ended broadcasts' reviews are
    built). `store` keeps what the replay stored (alerts, reviews) for the caller;
    `compiler` goes to the detector (`build_service`).
    """
    from monitor.app import build_service  # the composition root; imported late for the CLI

    report = ReplayReport()
    clock = ManualClock(0.0)
    rooms = frozenset(r.id for r in config.rooms)
    seen = await recorded_rooms(path, rooms)
    watched = config.model_copy(update={"rooms": [r for r in config.rooms if r.id in seen]})
    service = build_service(
        watched, clock=clock, registry=CollectorRegistry(), store=store, compiler=compiler
    )
    first_ts: list[float] = []

    async def on_change(change: AlertChange) -> None:
        if change.action not in SHOWN_ACTIONS:
            return
        data = alert_to_dict(change.alert)
        report.alerts.append({"action": change.action, **data})
        if as_json:
            out.write(orjson.dumps({"action": change.action, "alert": data}).decode() + "\n")
            return
        offset = clock.now() - (first_ts[0] if first_ts else clock.now())
        alert = change.alert
        out.write(
            f"[+{offset:7.1f}s] {change.action.upper():15} {alert.room} {alert.plan_id} "
            f"{alert.severity.value} {alert.summary}\n"
        )

    service.manager.subscribe(on_change)
    pacer = Pacer(speed, time.monotonic)
    interval = service.config.pipeline.tick_interval
    last_tick: float | None = None
    try:
        async for item in read_recording(path, rooms=rooms):
            if isinstance(item, BadLine):
                _skip(report, item)
                continue
            ts = item.event.ts
            if not first_ts:
                first_ts.append(ts)
                last_tick = ts
                clock.set(ts)
            await pacer.wait(ts)
            last_tick = await _tick_until(service.pipeline.tick, clock, last_tick, ts, interval)
            clock.set(max(clock.now(), ts))
            await service.pipeline.process(item.event)
            report.events += 1
        if last_tick is not None and tail > 0:
            until = clock.now() + tail
            await _tick_until(service.pipeline.tick, clock, last_tick, until, interval)
        if service.supervision is not None:
            report.reviews = list(service.supervision.built)
    finally:
        await service.store.close()
    return report


async def recorded_rooms(path: Path, rooms: frozenset[str]) -> set[str]:
    """Return the configured rooms that events of the recording belong to."""
    seen: set[str] = set()
    async for item in read_recording(path, rooms=rooms):
        if isinstance(item, RecordedEvent):
            seen.add(item.event.room)
    return seen


async def _tick_until(
    tick: Callable[[], Awaitable[None]],
    clock: ManualClock,
    last: float | None,
    until: float,
    interval: float,
) -> float | None:
    if last is None:
        return None
    if until - last > interval * MAX_TICKS_PER_GAP:
        last = until - interval * MAX_TICKS_PER_GAP
    while last + interval <= until:
        last += interval
        clock.set(last)
        await tick()
    return last


async def replay_to_url(
    path: Path, url: str, token: str, speed: float, out: TextIO
) -> ReplayReport:
    """Post the recording to a running roomwatch's ingest endpoint, paced by `speed`."""
    report = ReplayReport()
    endpoint = url.rstrip("/") + "/api/v1/ingest"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"}
    pacer = Pacer(speed, time.monotonic)
    batch: list[RecordedEvent] = []
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        async for item in read_recording(path):
            if isinstance(item, BadLine):
                _skip(report, item)
                continue
            if batch and (pacer.delay(item.event.ts) > 0 or len(batch) >= POST_BATCH):
                await _post(http, endpoint, headers, batch, report)
                batch = []
            await pacer.wait(item.event.ts)
            batch.append(item)
        if batch:
            await _post(http, endpoint, headers, batch, report)
    out.write(f"posted {report.events} events to {endpoint}\n")
    return report


async def _post(
    http: aiohttp.ClientSession,
    endpoint: str,
    headers: dict[str, str],
    batch: list[RecordedEvent],
    report: ReplayReport,
) -> None:
    pending = batch
    while pending:
        body = b"\n".join(orjson.dumps(event_to_dict(r.event)) for r in pending)
        async with http.post(endpoint, data=body, headers=headers) as resp:
            raw = await resp.read()
            try:
                data = orjson.loads(raw)
            except orjson.JSONDecodeError:
                data = None
            if not isinstance(data, dict) or resp.status not in (200, 422, 503):
                why = (
                    data.get("error")
                    if isinstance(data, dict)
                    else raw[:200].decode(errors="replace")
                )
                if resp.status == 404:
                    why = "no ingest endpoint here (does the config have an http_ingest source?)"
                raise ReplayError(f"{endpoint} answered {resp.status}: {why}")
            for rej in data.get("rejected", []):
                rec = pending[rej["index"]]
                _skip(report, BadLine(rec.lineno, f"{rej['field']}: {rej['reason']}"))
            report.events += int(data.get("accepted", 0))
            if resp.status != 503:
                return
            # The server is busy: resend what it did not take after it says to.
            pending = [pending[i] for i in data.get("not_accepted", [])]
            await asyncio.sleep(float(resp.headers.get("Retry-After", "1")))


class ReplayError(Exception):
    """The replay cannot go on (endpoint refused the batch, file unreadable)."""


def _skip(report: ReplayReport, bad: BadLine) -> None:
    report.skipped += 1
    print(f"replay: {bad} (skipped)", file=sys.stderr)


def drill_path(name: str) -> Path:
    """Return the file `name` names: a path, or else a drill shipped in config/drills/."""
    path = Path(name)
    if path.is_file() or path.parent != Path("."):
        return path
    shipped = DRILLS / (name if name.endswith(".jsonl") else f"{name}.jsonl")
    return shipped if shipped.is_file() else path


def cmd_replay(args: argparse.Namespace) -> int:
    """Run `roomwatch replay`."""
    if args.list_drills:
        for drill in sorted(DRILLS.glob("*.jsonl")):
            print(drill.stem)
        return 0
    if not args.file:
        print("replay: name a JSONL file or a shipped drill (--list-drills)", file=sys.stderr)
        return 2
    path = drill_path(args.file)
    if not path.is_file():
        shipped = ", ".join(sorted(d.stem for d in DRILLS.glob("*.jsonl"))) or "none"
        print(f"replay: cannot read {path} (shipped drills: {shipped})", file=sys.stderr)
        return 2
    if args.speed < 0:
        print("replay: --speed must be 0 (as fast as possible) or more", file=sys.stderr)
        return 2
    try:
        if args.url:
            if not args.token:
                print(
                    "replay: --url needs --token (an http_ingest source's token)", file=sys.stderr
                )
                return 2
            report = asyncio.run(replay_to_url(path, args.url, args.token, args.speed, sys.stdout))
        else:
            config = _load(args.config or default_config_path())
            if config is None:
                return 2
            report = asyncio.run(
                replay_in_process(
                    path, config, args.speed, sys.stdout, as_json=args.json, tail=args.tail
                )
            )
    except (ReplayError, aiohttp.ClientError, OSError) as exc:
        print(f"replay: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    created = sum(1 for a in report.alerts if a["action"] == "created")
    summary = f"replayed {report.events} events, skipped {report.skipped} lines"
    if not args.url:
        summary += f", {created} alert(s) raised"
        for review in report.reviews:  # broadcasts that ended (docs/supervision.md)
            f = review["figures"]
            summary += (
                f"\nreview {review['id']}: {f['comments']} comments, {f['alerts']} alert(s), "
                f"{f['questions_answered']}/{f['questions']} questions answered "
                f"({f['questions_in_time']} in time)"
            )
    print(summary, file=sys.stderr if args.json else sys.stdout)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `replay` subcommand."""
    p = sub.add_parser("replay", help="replay a JSONL recording of events (drills)")
    p.add_argument(
        "file",
        nargs="?",
        help="JSONL file, one event (docs/events.md) per line, or the name of a shipped drill",
    )
    p.add_argument("--list-drills", action="store_true", help="list the shipped drills")
    p.add_argument(
        "--speed", type=float, default=1.0, help="time scale: 2 = twice as fast, 0 = no waiting"
    )
    p.add_argument("--config", help="config for the in-process pipeline (default: the demo)")
    p.add_argument("--url", help="post to this running roomwatch instead (http://host:port)")
    p.add_argument("--token", help="bearer token of an http_ingest source (with --url)")
    p.add_argument("--json", action="store_true", help="print alert changes as JSON lines")
    p.add_argument(
        "--tail",
        type=float,
        default=0.0,
        help="in-process: keep time running this many seconds after the last event",
    )
    p.set_defaults(func=cmd_replay)


EXTRA_COMMANDS.append(register)
