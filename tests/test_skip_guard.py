"""The suite fails when a test that needs a real part is skipped (tests/skip_guard.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = """
import pytest

def test_missing_binary():
    pytest.skip("chromium is not installed")

@pytest.mark.skipif(True, reason="prometheus is not installed")
def test_marked():
    pass

@pytest.mark.xfail(reason="a known limitation", strict=True)
def test_known():
    assert False

def test_plain():
    assert True
"""


def run(tmp_path: Path, allow: bool) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    env = {k: v for k, v in os.environ.items() if k != "ROOMWATCH_ALLOW_SKIPS"}
    if allow:
        env["ROOMWATCH_ALLOW_SKIPS"] = "1"
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "tests.skip_guard", "-p", "no:cacheprovider"]
    cmd += ["-c", str(tmp_path / "pytest.ini"), str(tmp_path)]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_a_skip_fails_the_run_and_names_the_missing_part(tmp_path: Path) -> None:
    out = run(tmp_path, allow=False)
    assert out.returncode == 1, out.stdout
    assert "1 failed, 1 passed, 1 xfailed, 1 error" in out.stdout
    assert "chromium is not installed" in out.stdout
    assert "prometheus is not installed" in out.stdout


def test_skips_can_be_allowed_on_purpose(tmp_path: Path) -> None:
    out = run(tmp_path, allow=True)
    assert out.returncode == 0, out.stdout
    assert "1 passed, 2 skipped, 1 xfailed" in out.stdout
