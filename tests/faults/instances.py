"""Run roomwatch instances as real subprocesses (for kill -9 tests and benchmarks)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.redis_server import free_port

MAIN = "from monitor.cli import main; raise SystemExit(main())"


class Instance:
    """One `roomwatch run` subprocess on its own port, with its log in a file."""

    def __init__(self, config_text: str, workdir: Path, name: str) -> None:
        self.name = name
        self.port = free_port()
        self.config = workdir / f"{name}.yaml"
        self.config.write_text(config_text, encoding="utf-8")
        self.log_path = workdir / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = self.log_path.open("ab")
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                MAIN,
                "run",
                "--config",
                str(self.config),
                "--port",
                str(self.port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        log.close()

    def wait_healthy(self, within: float = 60.0) -> None:
        # A deadline, not a wait: a quiet machine is healthy in about 4 s (the detector compiles
        # its lexicon at start-up); one running three test suites at once took over 20 s.
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} not healthy within {within}s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL: no drain, no lease release, no acks flushed."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self, within: float = 15.0) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(within)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
