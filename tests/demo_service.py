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
from tests.detect_support import compile_once
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
    escalation: dict[str, Any] | None = None,
    ack_deadline: float | None = None,
    store: dict[str, Any] | None = None,
    cluster: dict[str, Any] | None = None,
) -> Path:
    """Write the shipped demo config with a faster simulator and return its path.

    `ack_deadline` rewrites every shipped plan's deadline (copies in tmp_path), so that
    escalation steps come within seconds.
    """
    raw: dict[str, Any] = yaml.safe_load(default_config_path().read_text(encoding="utf-8"))
    for src in raw["sources"]:
        if src["type"] == "simulator":
            src.update(rate=rate, incident_every=incident_every, seed=7)
    raw["server"]["port"] = 0
    base = default_config_path().parent
    for key in ("lexicon_dir",):  # keep relative paths pointing at the shipped files
        if raw.get("detection", {}).get(key):
            raw["detection"][key] = str(base / raw["detection"][key])
    if raw.get("plans", {}).get("dir"):
        plans = base / raw["plans"]["dir"]
        if ack_deadline is not None:
            plans = _plans_with_deadline(plans, tmp_path / "plans", ack_deadline)
        raw["plans"]["dir"] = str(plans)
    if notifiers:
        raw["notifiers"] = [*raw.get("notifiers", []), *notifiers]
    if escalation:
        raw["escalation"] = escalation
    if store:
        raw["store"] = store
    if cluster:
        raw["cluster"] = cluster
    path = tmp_path / "demo-fast.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def _plans_with_deadline(src: Path, dst: Path, ack_deadline: float) -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    for file in sorted(src.glob("*.yaml")):
        doc = yaml.safe_load(file.read_text(encoding="utf-8"))
        for plan in doc["plans"]:
            plan["ack_deadline"] = ack_deadline
        (dst / file.name).write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return dst


@contextlib.asynccontextmanager
async def running_service(config_path: Path) -> AsyncIterator[RunningService]:
    """Serve the configuration on 127.0.0.1 and a free port until the block ends."""
    service = build_service(load_config(config_path), compiler=compile_once)
    async with running(service) as base:
        yield RunningService(service, base)
