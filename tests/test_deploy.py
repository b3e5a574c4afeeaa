"""The Dockerfile and docker-compose.yml, checked statically (Docker does not run here).

The compose file is parsed and every service, volume, port and file it references is
checked against the repository; the Dockerfile's instructions are parsed and checked for
the multi-stage build, the non-root user, the health check and the entry point; the
build stage's wheel step is run on exactly the files the Dockerfile copies.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml

from config.loader import load_config

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text("utf-8"))
    return data


def dockerfile() -> list[tuple[str, str]]:
    """Return the Dockerfile as (INSTRUCTION, arguments), continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    logical = re.sub(r"\\\n", " ", text)
    out = []
    for line in logical.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def _stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for ins, args in dockerfile():
        if ins == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((ins, args))
    return stages


def _mount(volume: str) -> tuple[str, str]:
    source, target = volume.split(":")[:2]
    return source, target


def _host_path(source: str) -> Path:
    return (ROOT / source).resolve()


def test_compose_has_the_four_services_wired_together() -> None:
    c = compose()
    services = c["services"]
    assert set(services) == {"roomwatch", "redis", "prometheus", "grafana"}
    for name, svc in services.items():
        for dep in svc.get("depends_on", []):
            assert dep in services, f"{name} depends on unknown {dep}"
        for volume in svc.get("volumes", []):
            source, _ = _mount(volume)
            if source.startswith("."):
                assert _host_path(source).exists(), f"{name}: {source} does not exist"
            else:
                assert source in c["volumes"], f"{name}: named volume {source} not declared"
    redis = services["redis"]
    assert redis["command"][:3] == ["redis-server", "--appendonly", "yes"]
    assert any(_mount(v)[1] == "/data" for v in redis["volumes"]), "AOF needs a volume"
    assert services["roomwatch"]["depends_on"]["redis"]["condition"] == "service_healthy"
    assert "8080:8080" in services["roomwatch"]["ports"]


def test_compose_roomwatch_builds_the_dockerfile_and_reads_a_valid_config() -> None:
    svc = compose()["services"]["roomwatch"]
    assert (ROOT / svc["build"]["context"] / svc["build"]["dockerfile"]).is_file()
    config_path = svc["command"][svc["command"].index("--config") + 1]
    host = None
    for volume in svc["volumes"]:
        source, target = _mount(volume)
        if config_path.startswith(target + "/"):
            host = _host_path(source) / config_path.removeprefix(target + "/")
    assert host is not None and host.is_file(), f"{config_path} is not mounted from the repo"
    config = load_config(host)
    assert config.store.kind == "redis"
    # The default URL (what compose's environment also sets) names the compose service.
    redis_url = urlparse(svc["environment"]["ROOMWATCH_REDIS_URL"])
    assert redis_url.hostname == "redis" and redis_url.port == 6379
    assert urlparse(config.store.redis_url).hostname == "redis"
    assert config.server.host == "0.0.0.0" and config.server.port == 8080
    assert any(s.type == "simulator" for s in config.sources)


def test_docker_config_passes_check_config() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "monitor.cli", "check-config", str(ROOT / "config/docker.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stdout.strip() == "OK", done.stdout + done.stderr


def test_compose_prometheus_scrapes_roomwatch_with_the_rules() -> None:
    svc = compose()["services"]["prometheus"]
    mounts = dict(_mount(v)[::-1] for v in svc["volumes"])
    config_arg = next(a for a in svc["command"] if a.startswith("--config.file="))
    config_in_container = Path(config_arg.split("=", 1)[1])
    host_dir = _host_path(mounts[str(config_in_container.parent)])
    prom = yaml.safe_load((host_dir / config_in_container.name).read_text("utf-8"))
    for rule_file in prom["rule_files"]:
        assert (host_dir / rule_file).is_file()
    targets = [
        t for job in prom["scrape_configs"] for sc in job["static_configs"] for t in sc["targets"]
    ]
    assert targets == ["roomwatch:8080"]


def test_compose_grafana_is_provisioned_with_the_dashboard() -> None:
    c = compose()
    svc = c["services"]["grafana"]
    mounts = dict(_mount(v)[::-1] for v in svc["volumes"])
    provisioning = _host_path(mounts["/etc/grafana/provisioning"])
    datasources = yaml.safe_load(
        (provisioning / "datasources" / "prometheus.yml").read_text("utf-8")
    )["datasources"]
    url = urlparse(datasources[0]["url"])
    assert url.hostname == "prometheus" and url.port == 9090
    assert "9090:9090" in c["services"]["prometheus"]["ports"]
    providers = yaml.safe_load((provisioning / "dashboards" / "roomwatch.yml").read_text("utf-8"))[
        "providers"
    ]
    path = providers[0]["options"]["path"]
    dashboards = _host_path(mounts[path])
    model = json.loads((dashboards / "roomwatch.json").read_text("utf-8"))
    ds_var = next(v for v in model["templating"]["list"] if v["name"] == "datasource")
    assert ds_var["current"]["value"] == datasources[0]["uid"]
    home = svc["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert home == f"{path}/roomwatch.json"


def test_dockerfile_is_multi_stage_slim_non_root_with_healthcheck() -> None:
    stages = _stages()
    assert len(stages) >= 2
    args = {a.split("=", 1)[0]: a.split("=", 1)[1] for i, a in dockerfile() if i == "ARG"}
    bases = [s[0][1].split()[0] for s in stages]
    resolved = [re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], b) for b in bases]
    assert all(re.fullmatch(r"python:3\.1[1-9]-slim", b) for b in resolved), resolved
    build, runtime = stages[0], stages[-1]
    assert build[0][1].endswith("AS build")
    assert any(i == "RUN" and "pip wheel" in a for i, a in build)
    assert any(i == "COPY" and a.startswith("--from=build") for i, a in runtime)
    users = [a for i, a in runtime if i == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    health = " ".join(a for i, a in runtime if i == "HEALTHCHECK")
    assert "/healthz" in health and "CMD" in health
    assert ("EXPOSE", "8080") in runtime
    entry = json.loads(next(a for i, a in runtime if i == "ENTRYPOINT"))
    assert entry == ["roomwatch", "run"]
    cmd = json.loads(next(a for i, a in runtime if i == "CMD"))
    assert cmd[0] == "--config"
    # The default config path is inside the copied config folder and exists in the repo.
    copied = [shlex.split(a) for i, a in runtime if i == "COPY" and not a.startswith("--")]
    source, target = next((src, dst) for src, dst in copied if cmd[1].startswith(dst + "/"))
    assert (ROOT / source / cmd[1].removeprefix(target + "/")).is_file()


def test_dockerignore_keeps_local_state_out_of_the_context() -> None:
    ignored = (ROOT / ".dockerignore").read_text("utf-8").split()
    for entry in (".git", ".venv", "tests"):
        assert entry in ignored


@pytest.mark.slow
def test_build_stage_wheel_builds_from_exactly_the_copied_files(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for ins, args in _stages()[0]:
        if ins != "COPY":
            continue
        *sources, dest = shlex.split(args)
        for s in sources:
            target = src / dest.removeprefix("./") if dest not in ("./", ".") else src
            path = ROOT / s
            if path.is_dir():
                shutil.copytree(path, target, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy(path, src / path.name)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "w"), "."],
        cwd=src,
        capture_output=True,
        text=True,
        timeout=110,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    wheels = list((tmp_path / "w").glob("roomwatch-*.whl"))
    assert len(wheels) == 1
    names = zipfile.ZipFile(wheels[0]).namelist()
    assert "monitor/cli.py" in names and "config/docker.yaml" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "roomwatch = monitor.cli:main" in zipfile.ZipFile(wheels[0]).read(entry_points).decode()


def test_docker_config_watches_what_the_demo_watches() -> None:
    demo = load_config(ROOT / "config" / "roomwatch.yaml")
    docker = load_config(ROOT / "config" / "docker.yaml")
    assert docker.rooms == demo.rooms
    assert [(s.type, s.id) for s in docker.sources] == [(s.type, s.id) for s in demo.sources]
    assert docker.detection == demo.detection
    assert docker.plans == demo.plans
