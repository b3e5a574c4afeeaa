"""docs/metrics.md documents every registered metric with its type and labels."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from prometheus_client.metrics import MetricWrapperBase

from config.loader import default_config_path, load_config
from monitor.app import Service, build_service
from monitor.metrics import CallbackGauges
from tests.detect_support import compile_once

DOC = Path(__file__).resolve().parents[1] / "docs" / "metrics.md"
ROW = re.compile(r"^\| `([a-z_:]+)` \| (counter|gauge|histogram|summary) \|([a-z_, ]*)\|")
# The response-time detail table: | value | ack and resolve | handle | answer | series |
DETAIL = re.compile(r"^\| `(bounded|full)`[^|]*\|([a-z_, ]+)\|([a-z_, ]+)\|([a-z_, ]+)\|")


def _documented() -> dict[str, tuple[str, tuple[str, ...]]]:
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if m := ROW.match(line):
            labels = tuple(x.strip() for x in m.group(3).split(",") if x.strip())
            assert m.group(1) not in out, f"{m.group(1)} documented twice"
            out[m.group(1)] = (m.group(2), labels)
    return out


CONFIGS = Path(__file__).resolve().parents[1] / "config"


def _fill_env(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Give every ${VAR} of a config file a plausible value, so the example loads."""
    for name in set(re.findall(r"\$\{([A-Z0-9_]+)\}", path.read_text(encoding="utf-8"))):
        if name == "ROOMWATCH_REDIS_URL":
            value = "redis://127.0.0.1:1/0"
        elif "URL" in name or "ENDPOINT" in name:
            value = "http://127.0.0.1:1/hook"
        else:
            value = "placeholder-secret-value"
        monkeypatch.setenv(name, value)


def _services(monkeypatch: pytest.MonkeyPatch) -> list[Service]:
    """Build services that register every metric: the demo, and the production example
    (Redis store, platform sources, notifiers) alone and in cluster mode."""
    example = CONFIGS / "production.example.yaml"
    _fill_env(example, monkeypatch)
    production = load_config(example)
    clustered = production.model_copy(
        update={"cluster": production.cluster.model_copy(update={"enabled": True})}
    )
    configs = (load_config(default_config_path()), production, clustered)
    return [build_service(c, compiler=compile_once) for c in configs]


def _registered(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[str, tuple[str, ...]]]:
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    collectors = [c for s in _services(monkeypatch) for c in s.registry._collector_to_names]
    for collector in collectors:
        declared: tuple[str, ...] | None = None
        if isinstance(collector, MetricWrapperBase):
            declared = tuple(collector._labelnames)
        elif isinstance(collector, CallbackGauges):
            declared = tuple(collector._labels)
        for family in collector.collect():
            name = family.name + ("_total" if family.type == "counter" else "")
            labels = declared
            if labels is None:
                seen = {k for s in family.samples for k in s.labels if k != "le"}
                labels = tuple(sorted(seen))
            out[name] = (family.type, labels)
    return out


def test_every_registered_metric_is_documented_with_type_and_labels(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    documented, registered = _documented(), _registered(monkeypatch)
    missing = sorted(set(registered) - set(documented))
    assert not missing, f"undocumented metrics: {missing}"
    stale = sorted(n for n in set(documented) - set(registered) if n.startswith("roomwatch_"))
    assert not stale, f"documented but not registered: {stale}"
    for name, (kind, labels) in registered.items():
        doc_kind, doc_labels = documented[name]
        assert doc_kind == kind, f"{name}: documented as {doc_kind}, registered as {kind}"
        assert sorted(doc_labels) == sorted(labels), f"{name}: labels {labels} vs {doc_labels}"


def test_names_follow_prometheus_conventions(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, (kind, labels) in _registered(monkeypatch).items():
        if not name.startswith("roomwatch_"):
            continue
        assert re.fullmatch(r"roomwatch_[a-z][a-z0-9_]*", name), name
        assert name.endswith("_total") == (kind == "counter"), name
        if kind == "histogram":
            assert name.endswith("_seconds"), name
        assert not {"user", "nickname", "text", "event_id", "id"} & set(labels), name


def _detail_table() -> dict[str, list[tuple[str, ...]]]:
    out: dict[str, list[tuple[str, ...]]] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if m := DETAIL.match(line):
            out[m.group(1)] = [tuple(x.strip() for x in m.group(i).split(",")) for i in range(2, 5)]
    return out


@pytest.mark.parametrize("detail", ["bounded", "full"])
def test_response_detail_levels_are_documented_with_their_labels(detail: str) -> None:
    config = load_config(default_config_path())
    config = config.model_copy(
        update={"server": config.server.model_copy(update={"metrics_response_detail": detail})}
    )
    service = build_service(config, compiler=compile_once)
    families = {
        c._name: tuple(c._labelnames)
        for c in service.registry._collector_to_names
        if isinstance(c, MetricWrapperBase)
    }
    ack, handle, answer = _detail_table()[detail]
    assert families["roomwatch_time_to_acknowledge_seconds"] == ack
    assert families["roomwatch_time_to_resolve_seconds"] == ack
    assert families["roomwatch_time_to_handle_comment_seconds"] == handle
    assert families["roomwatch_question_answer_seconds"] == answer
    assert families["roomwatch_room_time_to_acknowledge_seconds"] == ("room",)
