"""The shipped Prometheus scrape config and alerting rules pass promtool (check and test)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"
PROM_DIR = Path(__file__).resolve().parents[1] / "config" / "prometheus"

pytestmark = pytest.mark.prometheus


def _promtool(*args: str) -> str:
    done = subprocess.run(
        [PROMTOOL, *args], cwd=PROM_DIR, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_rules_are_valid_and_cover_the_issue() -> None:
    out = _promtool("check", "rules", "rules.yml")
    assert "SUCCESS" in out
    text = (PROM_DIR / "rules.yml").read_text(encoding="utf-8")
    for name in (
        "RoomwatchInstanceDown",
        "RoomwatchSourceDisconnected",
        "RoomwatchPipelineBacklog",
        "RoomwatchPipelineSlow",
        "RoomwatchNotificationFailures",
    ):
        assert f"alert: {name}" in text


def test_scrape_config_is_valid_and_loads_the_rules() -> None:
    out = _promtool("check", "config", "prometheus.yml")
    assert "1 rule files found" in out


def test_rule_unit_tests_pass() -> None:
    assert "SUCCESS" in _promtool("test", "rules", "rules_test.yml")
