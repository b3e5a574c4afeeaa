"""Configuration: every error with its key path and line, ${ENV}, shipped files, check-config."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.loader import ConfigError, data_path, default_config_path, load_config, load_config_text
from monitor.cli import main

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = ROOT / "config" / "production.example.yaml"
PRODUCTION_ENV = {
    "ROOMWATCH_REDIS_URL": "redis://redis:6379/0",
    "DOUYIN_SIGN_ENDPOINT": "http://signer:8000/sign",
    "DOUYIN_SIGN_TOKEN": "sign-token",
    "DOUYIN_OPEN_SECRET": "open-secret",
    "ROOMWATCH_INGEST_TOKEN": "ingest-token-123",
    "PW_ZHANG_WEI": "pw1",
    "PW_LI_NA": "pw2",
    "PW_WANG_FANG": "pw3",
    "PW_OPS": "pw4",
    "DINGTALK_WEBHOOK_URL": "https://oapi.dingtalk.com/robot/send?access_token=x",
    "DINGTALK_SECRET": "SECxyz",
    "WECOM_WEBHOOK_URL": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
    "ONCALL_WEBHOOK_URL": "https://oncall.example/hook",
    "ONCALL_WEBHOOK_SECRET": "hmac-key",
}

BROKEN = """\
server:
  port: 99999
  colour: blue
store:
  kind: redis
rooms:
  - { id: room-a }
  - { id: "bad room" }
sources:
  - type: simulator
    rate: -1
  - type: carrier_pigeon
    id: p
  - type: http_ingest
    token: short
  - { id: no-type }
pipeline:
  queue_size: many
people:
  users:
    - { id: z, role: boss }
plans:
  items:
    - id: BAD ID
      name: x
      count: { signal: sensitive, min: 0, window: 60 }
extra_section: {}
"""


def issues_of(text: str, env: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config_text(text, file="c.yaml", env=env or {})
    return sorted(str(i) for i in info.value.issues)


def test_every_schema_error_is_reported_with_its_key_path_and_line() -> None:
    tags = (
        "simulator, http_ingest, douyin, douyin_open, tiktok, kuaishou, bilibili, bilibili_open,"
        " generic_ws, replay"
    )
    assert issues_of(BROKEN) == sorted(
        [
            "c.yaml:2: server.port: Input should be less than or equal to 65535",
            "c.yaml:3: server.colour: unknown key",
            "c.yaml:8: rooms[1].id: String should match pattern '^[A-Za-z0-9_.:\\-]{1,64}$'",
            "c.yaml:11: sources[0].rate: Input should be greater than 0",
            f"c.yaml:12: sources[1].type: unknown type 'carrier_pigeon'; expected one of {tags}",
            "c.yaml:15: sources[2].token: String should have at least 8 characters",
            "c.yaml:16: sources[3].type: is required",
            "c.yaml:18: pipeline.queue_size: Input should be a valid integer, "
            "unable to parse string as an integer",
            "c.yaml:21: people.users[0].role: "
            "String should match pattern '^(controller|supervisor|admin)$'",
            "c.yaml:24: plans.items[0].id: String should match pattern '^[a-z0-9_\\-]{1,64}$'",
            "c.yaml:26: plans.items[0].count.min: Input should be greater than or equal to 1",
            "c.yaml:27: extra_section: unknown key",
        ]
    )


def test_every_cross_field_error_is_reported() -> None:
    text = """\
store: { kind: redis }
rooms:
  - { id: room-a }
  - { id: room-a }
sources:
  - { type: simulator, rooms: [room-a, room-x] }
  - { type: simulator }
  - { type: http_ingest, id: i1, token: "${TOKEN}" }
  - { type: http_ingest, id: i2, token: "${TOKEN}" }
people:
  users:
    - { id: z, rooms: [room-q] }
"""
    assert issues_of(text, {"TOKEN": "abcdefghijk"}) == sorted(
        [
            "c.yaml:4: rooms[1].id: duplicate room id 'room-a'",
            "c.yaml:6: sources[0].rooms[1]: unknown room 'room-x'",
            "c.yaml:7: sources[1].id: duplicate source id 'simulator'",
            "c.yaml:9: sources[3].token: token already used by another source",
            "c.yaml:12: people.users[0].rooms[0]: unknown room 'room-q'",
            "c.yaml:1: store.redis_url: is required when store.kind is redis"
            " (or store.sentinel, or store.cluster)",
        ]
    )


def test_env_substitution_default_and_missing_variable() -> None:
    text = """\
store: { kind: redis, redis_url: "redis://${REDIS_HOST}:${REDIS_PORT:-6379}/0" }
rooms: [{ id: room-a }]
sources:
  - { type: http_ingest, token: "${INGEST_TOKEN}" }
people:
  users: [{ id: a, password: "${PW_A:-}" }]
"""
    config = load_config_text(text, env={"REDIS_HOST": "cache", "INGEST_TOKEN": "tok-12345678"})
    assert config.store.redis_url == "redis://cache:6379/0"
    assert config.ingest_sources()[0].token == "tok-12345678"
    assert config.people.users[0].password == ""
    # A missing variable is reported once, at its key; not again as "too short".
    assert issues_of(text, {"REDIS_HOST": "cache"}) == [
        "c.yaml:4: sources[0].token: environment variable INGEST_TOKEN is not set"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "rooms: [",
            "c.yaml:1: $: YAML syntax: expected the node content, but found '<stream end>'",
        ),
        ("rooms:\n  - {id: a\n  - {id: b}\n", "c.yaml:3: $: YAML syntax:"),
        ("- just\n- a list\n", "c.yaml:1: $: the top level must be a mapping"),
    ],
)
def test_yaml_problems_name_the_line(text: str, expected: str) -> None:
    [issue] = issues_of(text)
    assert issue.startswith(expected)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "missing.yaml")
    assert str(info.value).endswith("missing.yaml: $: cannot read: No such file or directory")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"rooms: [{id: caf\xe9}]\n")
    with pytest.raises(ConfigError) as info:
        load_config(latin)
    assert str(info.value).endswith("latin.yaml: $: the file is not valid UTF-8")


def test_data_path_drops_union_tags_but_keeps_missing_keys() -> None:
    data = {"sources": [{"type": "douyin", "signer": {"kind": "http"}}]}
    loc = ("sources", 0, "douyin", "signer", "http", "endpoint")
    assert data_path(data, loc) == ("sources", 0, "signer", "endpoint")
    assert data_path(data, ("sources", 0, "function-after[x]", "room")) == ("sources", 0, "room")


def test_shipped_demo_config_is_valid() -> None:
    config = load_config(default_config_path())
    assert [r.id for r in config.rooms] == ["room-a", "room-b", "room-c"]
    assert config.store.kind == "memory"


def test_production_example_is_valid_with_its_environment() -> None:
    config = load_config(PRODUCTION, env=PRODUCTION_ENV)
    assert config.store.kind == "redis"
    assert config.store.redis_url == "redis://redis:6379/0"
    assert {s.type for s in config.sources} >= {"douyin", "bilibili", "http_ingest"}
    assert {n.type for n in config.notifiers} >= {"dingtalk", "wecom", "webhook"}
    assert {p.role for p in config.people.users} == {"controller", "supervisor", "admin"}
    assert config.plans.items, "the shipped plans are loaded from plans.dir"


def test_production_example_names_every_missing_secret() -> None:
    with pytest.raises(ConfigError) as info:
        load_config(PRODUCTION, env={})
    missing = sorted(i.message.split()[2] for i in info.value.issues)
    assert missing == sorted(PRODUCTION_ENV)
    assert all(i.line and i.path for i in info.value.issues)


def test_check_config_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["check-config", str(default_config_path())]) == 0
    assert capsys.readouterr().out == "OK\n"
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    assert main(["check-config", str(broken)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "12 error(s)"
    assert f"{broken}:3: server.colour: unknown key" in lines


def line_of(path: Path, text: str) -> int:
    """Return the number of the first line of `path` that contains `text`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


def test_check_config_console_script_in_a_subprocess() -> None:
    exe = Path(sys.executable).with_name("roomwatch")
    env = {**os.environ, **PRODUCTION_ENV}
    ok = subprocess.run(
        [str(exe), "check-config", str(PRODUCTION)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (ok.returncode, ok.stdout) == (0, "OK\n")
    env.pop("ROOMWATCH_REDIS_URL")
    bad = subprocess.run(
        [str(exe), "check-config", str(PRODUCTION)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 1
    assert bad.stdout.splitlines() == [
        f"{PRODUCTION}:{line_of(PRODUCTION, 'redis_url:')}: store.redis_url: "
        "environment variable ROOMWATCH_REDIS_URL is not set",
        "1 error(s)",
    ]


def test_store_sentinel_and_tls_sections() -> None:
    text = """\
store:
  kind: redis
  sentinel: {master: main, sentinels: ["10.0.0.1:26379", "sentinel-2:26379"], password: pw}
  tls: {enabled: true, ca_file: /etc/ca.crt, cert_file: /etc/c.crt, key_file: /etc/c.key}
  wait_replicas: 1
"""
    config = load_config_text(text)
    assert config.store.sentinel is not None
    assert config.store.sentinel.addresses() == [("10.0.0.1", 26379), ("sentinel-2", 26379)]
    assert config.store.tls.cert_file == "/etc/c.crt"
    assert config.store.wait_replicas == 1


def test_store_sentinel_mistakes_name_their_keys() -> None:
    text = """\
store:
  kind: redis
  redis_url: "redis://r:6379/0"
  sentinel: {master: main, sentinels: ["nohost"], colour: red}
  tls: {key_file: /etc/c.key}
"""
    issues = issues_of(text, {})
    bad = "'nohost' is not host:port"
    assert any("store.sentinel.sentinels: " in i and bad in i for i in issues)
    assert any("store.sentinel.colour: " in i for i in issues)
    assert any("store.tls: " in i and "key_file needs cert_file" in i for i in issues)


def test_store_cluster_section() -> None:
    text = """\
store:
  kind: redis
  cluster: {nodes: ["10.0.0.1:7000", "redis-2:7001", "[::1]:7002"], password: pw}
  tls: {enabled: true, ca_file: /etc/ca.crt}
"""
    config = load_config_text(text)
    assert config.store.cluster is not None
    assert config.store.cluster.addresses() == [
        ("10.0.0.1", 7000),
        ("redis-2", 7001),
        ("::1", 7002),
    ]
    assert config.store.cluster.password == "pw"


def test_store_cluster_mistakes_name_their_keys() -> None:
    both = """\
store:
  kind: redis
  redis_url: "redis://r:6379/0"
  cluster: {nodes: ["r1:7000"]}
"""
    assert any(
        "store: " in i
        and "set one of redis_url, sentinel and cluster, not redis_url and cluster" in i
        for i in issues_of(both, {})
    )
    bad = """\
store:
  kind: redis
  cluster: {nodes: ["r1"], shards: 3}
"""
    issues = issues_of(bad, {})
    assert any("store.cluster.nodes: " in i and "'r1' is not host:port" in i for i in issues)
    assert any("store.cluster.shards: " in i for i in issues)
    empty = """\
store:
  kind: redis
  cluster: {nodes: []}
"""
    assert any("store.cluster.nodes: " in i for i in issues_of(empty, {}))
    memory = """\
store:
  kind: memory
  cluster: {nodes: ["r1:7000"]}
"""
    assert any("store.cluster: needs store.kind: redis" in i for i in issues_of(memory, {}))


def test_short_homophones_without_homophones_is_named() -> None:
    text = """\
rooms: [{ id: room-a }]
detection:
  categories:
    - { id: fraud, terms: [刷单], short_homophones: true }
"""
    issues = issues_of(text)
    assert len(issues) == 1
    assert issues[0].startswith("c.yaml:4: detection.categories[0]")
    assert "short_homophones needs homophones: true" in issues[0]
