"""Run the demo configuration as a real service on a free port (for metrics tests)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from config.loader import default_config_path, load_config
from monitor.app import Service, build_service
from tests.support import running


@dataclass
class RunningService:
    """A demo service being served: its parts and its base URL."""

    service: Service
    base: str


def fast_demo_config(
    tmp_path: Path,
    *,
    rate: float = 20.0,
    incident_every: float = 2.0,
    notifiers: list[dict[str, Any]] | None = None,
) -> Path:
    """Write the shipped demo config with a faster simulator and return its path."""
    raw: dict[str, Any] = yaml.safe_load(default_config_path().read_text(encoding="utf-8"))
    for src in raw["sources"]:
        if src["type"] == "simulator":
            src.update(rate=rate, incident_every=incident_every, seed=7)
    raw["server"]["port"] = 0
    if raw.get("plans", {}).get("dir"):  # keep the shipped plans when the file moves
        raw["plans"]["dir"] = str(default_config_path().parent / raw["plans"]["dir"])
    if notifiers:
        raw["notifiers"] = [*raw.get("notifiers", []), *notifiers]
    path = tmp_path / "demo-fast.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@contextlib.asynccontextmanager
async def running_service(config_path: Path) -> AsyncIterator[RunningService]:
    """Serve the configuration on 127.0.0.1 and a free port until the block ends."""
    service = build_service(load_config(config_path))
    async with running(service) as base:
        yield RunningService(service, base)
