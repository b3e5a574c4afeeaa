"""Detection in child processes, so one instance uses more than one core.

Detection (normalization, lexicon scan, contact rules, the sentiment model) is pure CPU
and about half of what an ordinary comment costs. With `pipeline.detect_processes: N`
the pipeline's workers send batches of texts to N child processes and get the verdicts
back; everything else (plans, alerts, the feed, metrics) stays in the instance. Worker k
always talks to child k mod N, and a room's events always go to the same worker, so a
room's texts reach one child in order (the per-user contact window lives there).

The wire is the child's stdin and stdout: frames of a 4-byte big-endian length and an
orjson body. The child loads the same detection config as the instance and reloads its
lexicon when the instance does. When a child dies, its batches are detected in the
instance instead (nothing is lost; a contact split across messages may be missed once)
and the child is started again with back-off.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import logging
import os
import signal
import struct
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

import orjson
from prometheus_client import CollectorRegistry

from alerts.model import Evidence, Severity, SignalKind
from config.detection import DetectionConfig
from monitor.detect.detector import LexiconDetector, Verdict

log = logging.getLogger(__name__)

Job = tuple[str, str, str, float, str]  # scope, text, user window key, ts, room's platform
_HEADER = struct.Struct(">I")
MAX_FRAME = 64 * 2**20
START_TIMEOUT = 60.0
RESTART_BACKOFF = (1.0, 2.0, 5.0, 10.0, 30.0)
_KINDS = {"s": SignalKind.SENSITIVE, "n": SignalKind.NEGATIVE}
_KIND_CODES = {v: k for k, v in _KINDS.items()}


class Detected(NamedTuple):
    """What a batch of jobs gave: verdicts and seconds per job, and how many failed."""

    verdicts: list[list[Verdict]]
    seconds: list[float]
    errors: int


class DetectorGone(Exception):
    """The child process is not there to answer (not started, exited or restarting)."""


def encode_verdict(v: Verdict) -> list[Any]:
    return [
        _KIND_CODES[v.kind],
        v.category,
        v.severity.value,
        v.via,
        v.score,
        [[e.category, e.term, e.start, e.end] for e in v.evidence],
    ]


def decode_verdict(raw: list[Any]) -> Verdict:
    kind, category, severity, via, score, evidence = raw
    return Verdict(
        _KINDS[kind],
        category,
        Severity(severity),
        via,
        float(score),
        tuple(Evidence(c, t, int(s), int(e)) for c, t, s, e in evidence),
    )


class _Child:
    """One detector process and the batches it has not answered yet."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.proc: asyncio.subprocess.Process | None = None
        self.pending: dict[int, asyncio.Future[tuple[list[Any], list[float], int]]] = {}
        self.reader: asyncio.Task[None] | None = None
        self.ready = False


class DetectorProcesses:
    """Send detection jobs to child processes; detect in-process when a child is gone."""

    def __init__(
        self,
        config: DetectionConfig,
        base_dir: Path,
        local: LexiconDetector,
        processes: int,
        on_restart: Callable[[], None] | None = None,
    ) -> None:
        self._init = orjson.dumps(
            {"detection": config.model_dump(mode="json"), "base_dir": str(base_dir)}
        )
        self._local = local
        self._children = [_Child(i) for i in range(processes)]
        self._ids = itertools.count(1)
        self._stopping = False
        self._restarts: set[asyncio.Task[None]] = set()
        self.restarts = 0  # children started again after they died
        self._on_restart = on_restart
        local.on_reload.append(self.reload)

    @property
    def size(self) -> int:
        return len(self._children)

    async def start(self) -> None:
        """Start every child and wait until each has loaded its lexicon."""
        await asyncio.gather(*(self._start(c) for c in self._children))

    async def _start(self, child: _Child) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        child.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            "from monitor.offload import serve; serve()",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=env,
        )
        assert child.proc.stdin is not None and child.proc.stdout is not None
        child.proc.stdin.write(_HEADER.pack(len(self._init)) + self._init)
        try:
            async with asyncio.timeout(START_TIMEOUT):
                hello = await _read_frame(child.proc.stdout)
        except (TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
            child.proc.kill()
            await child.proc.wait()
            raise RuntimeError(f"detector process {child.index} did not start: {exc}") from exc
        if hello is None or not hello.get("ready"):
            raise RuntimeError(f"detector process {child.index} did not start: {hello!r}")
        child.ready = True
        child.reader = asyncio.ensure_future(self._read(child))
        log.info("detector process %d started (pid %d)", child.index, child.proc.pid)

    async def _read(self, child: _Child) -> None:
        assert child.proc is not None and child.proc.stdout is not None
        why = "closed its output"
        try:
            while (msg := await _read_frame(child.proc.stdout)) is not None:
                future = child.pending.pop(int(msg["id"]), None)
                if future is not None and not future.done():
                    future.set_result((msg["v"], msg["t"], int(msg.get("e", 0))))
        except (asyncio.IncompleteReadError, ValueError, KeyError, TypeError) as exc:
            why = f"sent a broken frame ({exc})"
        finally:
            child.ready = False
            for future in child.pending.values():
                if not future.done():
                    future.set_exception(DetectorGone(f"detector process {child.index} {why}"))
                    future.exception()
            child.pending.clear()
        if not self._stopping:
            code = await child.proc.wait()
            log.error(
                "detector process %d exited (%s, code %s); detecting in this process until "
                "it is back",
                child.index,
                why,
                code,
            )
            task = asyncio.ensure_future(self._restart(child))
            self._restarts.add(task)
            task.add_done_callback(self._restarts.discard)

    async def _restart(self, child: _Child) -> None:
        for attempt in itertools.count():
            await asyncio.sleep(RESTART_BACKOFF[min(attempt, len(RESTART_BACKOFF) - 1)])
            if self._stopping:
                return
            try:
                await self._start(child)
            except (RuntimeError, OSError) as exc:
                log.error("%s; trying again", exc)
                continue
            self.restarts += 1
            if self._on_restart is not None:
                self._on_restart()
            return

    async def detect(self, worker: int, jobs: list[Job]) -> Detected:
        """Return each job's verdicts and detection seconds, from child `worker` mod N."""
        child = self._children[worker % len(self._children)]
        try:
            raw, seconds, errors = await self._ask(child, jobs)
        except DetectorGone:
            return self._detect_here(jobs)
        if errors:
            log.error("detector process %d failed on %d text(s)", child.index, errors)
        verdicts = [[decode_verdict(v) for v in vs] if vs else [] for vs in raw]
        return Detected(verdicts, seconds, errors)

    async def _ask(self, child: _Child, jobs: list[Job]) -> tuple[list[Any], list[float], int]:
        proc = child.proc
        if not child.ready or proc is None or proc.stdin is None:
            raise DetectorGone(f"detector process {child.index} is not running")
        request_id = next(self._ids)
        future: asyncio.Future[tuple[list[Any], list[float], int]] = (
            asyncio.get_running_loop().create_future()
        )
        child.pending[request_id] = future
        body = orjson.dumps({"id": request_id, "j": jobs})
        proc.stdin.write(_HEADER.pack(len(body)) + body)
        try:
            await proc.stdin.drain()
        except (ConnectionError, BrokenPipeError) as exc:
            child.pending.pop(request_id, None)
            raise DetectorGone(f"detector process {child.index}: {exc}") from exc
        return await future

    def _detect_here(self, jobs: list[Job]) -> Detected:
        verdicts: list[list[Verdict]] = []
        seconds: list[float] = []
        errors = 0
        for job in jobs:
            started = time.perf_counter()
            try:
                verdicts.append(self._local.verdicts(*job))
            except Exception:
                log.exception("detection failed on a %s text", job[0])
                verdicts.append([])
                errors += 1
            seconds.append(time.perf_counter() - started)
        return Detected(verdicts, seconds, errors)

    def reload(self) -> None:
        """Tell every running child to reload its lexicon (the instance just did)."""
        body = orjson.dumps({"op": "reload"})
        for child in self._children:
            if child.ready and child.proc is not None and child.proc.stdin is not None:
                child.proc.stdin.write(_HEADER.pack(len(body)) + body)

    async def stop(self) -> None:
        """Close the children's input (they exit on it); kill any that lingers."""
        self._stopping = True
        for task in list(self._restarts):
            task.cancel()
        for child in self._children:
            proc = child.proc
            if proc is None:
                continue
            if proc.stdin is not None:
                proc.stdin.close()
            try:
                async with asyncio.timeout(5.0):
                    await proc.wait()
            except TimeoutError:
                proc.kill()
                await proc.wait()
            if child.reader is not None:
                child.reader.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await child.reader


async def _read_frame(stream: asyncio.StreamReader) -> dict[str, Any] | None:
    """Read one frame; None at a clean end of stream."""
    try:
        header = await stream.readexactly(_HEADER.size)
    except asyncio.IncompleteReadError as exc:
        if not exc.partial:
            return None
        raise
    (size,) = _HEADER.unpack(header)
    if size > MAX_FRAME:
        raise ValueError(f"frame of {size} bytes")
    body: dict[str, Any] = orjson.loads(await stream.readexactly(size))
    return body


# -- the child ------------------------------------------------------------------------
def _read_child_frame(stdin: BinaryIO) -> dict[str, Any] | None:
    header = stdin.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    body = stdin.read(size)
    if len(body) < size:
        return None
    frame: dict[str, Any] = orjson.loads(body)
    return frame


def _write_child_frame(stdout: BinaryIO, body: dict[str, Any]) -> None:
    raw = orjson.dumps(body)
    stdout.write(_HEADER.pack(len(raw)) + raw)
    stdout.flush()


def serve() -> None:
    """Run as a detector process: answer batches on stdout until stdin closes."""
    # Ctrl-C reaches the whole process group: the instance decides when this one stops
    # (it closes stdin), so that batches in flight are still answered.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s detector-process %(levelname)s %(message)s"
    )
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    init = _read_child_frame(stdin)
    if init is None:
        return
    config = DetectionConfig.model_validate(init["detection"])
    detector = LexiconDetector(config, Path(init["base_dir"]), registry=CollectorRegistry())
    gc.collect()
    gc.freeze()  # the lexicon and model live as long as this process: no full GC passes over them
    _write_child_frame(stdout, {"ready": True})
    verdicts = detector.verdicts
    perf = time.perf_counter
    while (msg := _read_child_frame(stdin)) is not None:
        if msg.get("op") == "reload":
            detector.reload()
            continue
        out: list[Any] = []
        seconds: list[float] = []
        errors = 0
        for scope, text, key, ts, platform in msg["j"]:
            started = perf()
            try:
                found = verdicts(scope, text, key, ts, platform)
            except Exception:
                log.exception("detection failed on a %s text", scope)
                found, errors = [], errors + 1
            seconds.append(perf() - started)
            out.append([encode_verdict(v) for v in found] if found else 0)
        _write_child_frame(stdout, {"id": msg["id"], "v": out, "t": seconds, "e": errors})
