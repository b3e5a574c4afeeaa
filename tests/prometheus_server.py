"""A real Prometheus server (Debian's /usr/bin/prometheus) on a free port, for tests."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import yaml

PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"
RULES = Path(__file__).resolve().parents[1] / "config" / "prometheus" / "rules.yml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Prometheus:
    """A running Prometheus: its base URL and a query helper."""

    def __init__(self, base: str, http: aiohttp.ClientSession, log: Path) -> None:
        self.base, self.http, self.log = base, http, log

    async def api(self, path: str, **params: str) -> Any:
        async with self.http.get(f"{self.base}/api/v1/{path}", params=params) as r:
            body = await r.json()
        if body.get("status") != "success":
            raise AssertionError(f"{path} {params}: {body}")
        return body["data"]

    async def query(self, expr: str) -> list[dict[str, Any]]:
        """Run an instant query and return its vector (or scalar as one sample)."""
        data = await self.api("query", query=expr)
        if data["resultType"] == "scalar":
            return [{"metric": {}, "value": data["result"]}]
        result: list[dict[str, Any]] = data["result"]
        return result


@contextlib.asynccontextmanager
async def prometheus_scraping(
    tmp_path: Path, target: str, *, interval: str = "1s"
) -> AsyncIterator[Prometheus]:
    """Start Prometheus scraping `target` (host:port) with the shipped alerting rules."""
    if shutil.which(PROMETHEUS) is None:
        import pytest

        pytest.skip("prometheus is not installed (scripts/test.sh installs it)")
    config = {
        "global": {"scrape_interval": interval, "evaluation_interval": interval},
        "rule_files": [str(RULES)],
        "scrape_configs": [
            {"job_name": "roomwatch", "static_configs": [{"targets": [target]}]},
        ],
    }
    cfg = tmp_path / "prometheus.yml"
    cfg.write_text(yaml.safe_dump(config), encoding="utf-8")
    port = free_port()
    log = tmp_path / "prometheus.log"
    with log.open("wb") as out:
        proc = await asyncio.create_subprocess_exec(
            PROMETHEUS,
            f"--config.file={cfg}",
            f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--web.enable-lifecycle",
            stdout=out,
            stderr=out,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(300):
                if proc.returncode is not None:
                    raise AssertionError(f"prometheus exited: {log.read_text()[-2000:]}")
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(f"{base}/-/ready") as r:
                        if r.status == 200:
                            break
                await asyncio.sleep(0.1)
            else:
                raise AssertionError(f"prometheus not ready: {log.read_text()[-2000:]}")
            prom = Prometheus(base, http, log)
            # Prometheus applies scrape targets a few seconds after start: wait for one scrape.
            for _ in range(300):
                if [s["value"][1] for s in await prom.query("up")] == ["1"]:
                    break
                await asyncio.sleep(0.1)
            else:
                raise AssertionError(f"{target} never scraped: {await prom.api('targets')}")
            yield prom
    finally:
        if proc.returncode is None:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 10)
            except TimeoutError:
                proc.kill()
                await proc.wait()
