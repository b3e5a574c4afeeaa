"""The built wheel works on its own: installed in a fresh venv outside the checkout.

Builds the wheel, installs it into a new virtual environment in a temp dir, and from
there runs `roomwatch demo` (until /healthz answers), `detect`, `eval`, `check-config`
and `replay` of a shipped drill. Nothing may be read from, or written into, the checkout
or the installed package.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.redis_server import free_port

ROOT = Path(__file__).resolve().parents[1]

# pip resolves the dependencies against the package index: 30-60 s on a quiet machine.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(400)]


def run(cmd: list[str], cwd: Path, env: dict[str, str], **kw: object) -> str:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, **kw)  # type: ignore[call-overload]
    assert done.returncode == 0, f"{cmd} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return str(done.stdout)


def copy_tracked_files(target: Path) -> Path:
    """Copy the files git tracks (as they are in the work tree; links stay links)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        src, dst = ROOT / name, target / name
        if not src.is_symlink() and not src.exists():
            continue  # deleted in the work tree
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            dst.symlink_to(os.readlink(src))
        else:
            shutil.copy2(src, dst)
    return target


def tree(root: Path) -> dict[str, float]:
    return {str(p): p.stat().st_mtime for p in root.rglob("*") if "__pycache__" not in p.parts}


def test_the_wheel_installs_and_runs_outside_the_checkout(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    dist = tmp_path / "dist"
    source = copy_tracked_files(tmp_path / "src")  # the build writes build/ and egg-info
    # The checkout's venv has the build backend (dev extra): no isolated build env to make.
    build = ["wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(dist), str(source)]
    run([sys.executable, "-m", "pip", *build], tmp_path, env)
    (wheel,) = dist.glob("roomwatch-*.whl")
    venv = tmp_path / "venv"
    # A venv of its own, without pip (the checkout's pip installs into it: --python).
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path, env)
    python, roomwatch = venv / "bin" / "python", venv / "bin" / "roomwatch"
    install = ["--python", str(python), "install", "-q", str(wheel)]
    run([sys.executable, "-m", "pip", *install], tmp_path, env)
    work = tmp_path / "work"
    work.mkdir()
    where = "import monitor, pathlib; print(pathlib.Path(monitor.__file__).parents[1])"
    site = Path(run([str(python), "-c", where], work, env).strip())
    assert ROOT not in site.parents and site != ROOT, site
    packaged = {p: tree(site / p) for p in ("monitor", "alerts", "config")}
    checkout = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout

    demo_config = site / "config" / "roomwatch.yaml"
    # The commands are independent single-threaded processes (each compiles the lexicon):
    # two at a time, as many as the 2-core machine has cores.
    with ThreadPoolExecutor(max_workers=2) as pool:
        checked = pool.submit(run, [str(roomwatch), "check-config", str(demo_config)], work, env)
        text = '{"room": "r", "text": "加我微信领红包"}\n'
        detected = pool.submit(run, [str(roomwatch), "detect"], work, env, input=text)
        report = pool.submit(run, [str(roomwatch), "eval"], work, env)
        drills = pool.submit(run, [str(roomwatch), "replay", "--list-drills"], work, env)
        drill = [str(roomwatch), "replay", "incident-drill", "--speed", "0"]
        replayed = pool.submit(run, drill, work, env)
    assert checked.result().strip() == "OK"
    assert '"sensitive":[{' in detected.result().replace(" ", "")
    assert "sensitive categories" in report.result() and "negative sentiment" in report.result()
    assert "incident-drill" in drills.result()
    assert "alert(s) raised" in replayed.result(), replayed.result()
    assert " 0 alert(s)" not in replayed.result(), replayed.result()

    port = free_port()
    log = (tmp_path / "demo.log").open("wb")
    demo = subprocess.Popen(
        [str(roomwatch), "demo", "--port", str(port)], cwd=work, env=env, stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        healthy = False
        while time.monotonic() < deadline and demo.poll() is None and not healthy:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    healthy = r.status == 200
            except OSError:
                time.sleep(0.2)
        assert healthy, (tmp_path / "demo.log").read_text(errors="replace")
    finally:
        demo.send_signal(signal.SIGTERM)
        code = demo.wait(30)
        log.close()
    assert code == 0, (tmp_path / "demo.log").read_text(errors="replace")

    # Nothing was written into the installed package or the checkout.
    assert {p: tree(site / p) for p in ("monitor", "alerts", "config")} == packaged
    after = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert after == checkout
