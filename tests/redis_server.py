"""A real redis-server process for tests: start on a free port, kill, restart on the same port."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


# The kernel sends the death signal when the *thread* that forked the child exits, not the
# process; servers are (re)started from test threads too (asyncio.to_thread), so every fork
# happens on one spawner thread per process, which lives as long as the process.
_spawner: ThreadPoolExecutor | None = None
_spawner_pid = 0
_spawner_lock = threading.Lock()


def spawn(args: list[str]) -> subprocess.Popen[bytes]:
    """Start a server process from this process's spawner thread."""
    global _spawner, _spawner_pid
    with _spawner_lock:
        # A forked copy of the test process (mutmut runs each mutant's tests in one) inherits
        # the executor but not its thread: work handed to it would never run, and every test
        # that starts a server would hang until its timeout.
        if _spawner is None or _spawner_pid != os.getpid():
            _spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="redis-spawner")
            _spawner_pid = os.getpid()
        spawner = _spawner
    return spawner.submit(_spawn, args).result()


def _die_with_parent() -> Callable[[], None] | None:
    """Return a preexec_fn that has the kernel SIGKILL the child when the test process dies.

    Without it a pytest killed with SIGKILL (a CI timeout, ^C twice) leaves redis-server
    running on its port for good. Linux only; elsewhere the server is stopped only by close().
    """
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    parent = os.getpid()

    def preexec() -> None:
        # Runs in the child between fork and exec: only the prctl call and a getppid check.
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the prctl took effect
            os._exit(1)

    return preexec


def _spawn(args: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        args,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_die_with_parent(),
    )


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisServer:
    """One redis-server child process with its own temp dir; stop/kill/restart keep the port."""

    def __init__(
        self,
        *,
        appendonly: bool = False,
        port: int | None = None,
        appendfsync: str = "everysec",
        extra: list[str] | None = None,
    ) -> None:
        self.port = port or free_port()
        self.extra = list(extra or [])  # more redis-server arguments (--replicaof ...)
        self.appendonly = appendonly
        self.appendfsync = appendfsync
        self._tmp = tempfile.TemporaryDirectory(prefix="roomwatch-redis-")
        self.dir = Path(self._tmp.name)
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> None:
        """Start the server and wait until it answers PING."""
        if self.proc is not None and self.proc.poll() is None:
            return
        args = [
            REDIS_SERVER,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--dir", str(self.dir),
            "--save", "",
            "--appendonly", "yes" if self.appendonly else "no",
            "--appendfsync", self.appendfsync,
            "--daemonize", "no",
            "--protected-mode", "no",
            "--loglevel", "warning",
            "--logfile", str(self.dir / "redis.log"),
            *self.extra,
        ]  # fmt: skip
        self.proc = spawn(args)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                log = (self.dir / "redis.log").read_text(errors="replace")
                raise RuntimeError(f"redis-server exited with {self.proc.returncode}: {log}")
            if self.ping():
                return
            time.sleep(0.02)
        raise RuntimeError(f"redis-server on port {self.port} did not answer within {timeout}s")

    def ping(self) -> bool:
        """Return True when the server answers PING (raw RESP, no client library)."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def command(self, *parts: str) -> bytes:
        """Send one inline command and return the raw reply (for FLUSHALL and the like)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=2.0) as s:
            s.sendall((" ".join(parts) + "\r\n").encode())
            return s.recv(65536)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop gracefully (SIGTERM) and wait for the process to exit."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def kill(self) -> None:
        """Kill with SIGKILL (a crash): no shutdown save, connections cut."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def restart(self, *, hard: bool = False, down_for: float = 0.0) -> None:
        """Stop (or kill when hard), stay down for a while, then start on the same port."""
        if hard:
            self.kill()
        else:
            self.stop()
        if down_for > 0:
            time.sleep(down_for)
        self.start()

    def close(self) -> None:
        """Stop the server and remove its directory."""
        self.kill()
        self._tmp.cleanup()

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
