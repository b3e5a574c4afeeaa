"""Plans from YAML files: the shipped set loads; mistakes name the file, line and key path."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.loader import ConfigError, default_config_path, load_config

BASE = """
rooms: [{id: r1}]
plans:
  dir: plans
"""


def write(tmp: Path, files: dict[str, str], base: str = BASE) -> Path:
    (tmp / "plans").mkdir()
    for name, text in files.items():
        (tmp / "plans" / name).write_text(text, encoding="utf-8")
    cfg = tmp / "roomwatch.yaml"
    cfg.write_text(base, encoding="utf-8")
    return cfg


def test_the_demo_loads_every_shipped_plan() -> None:
    config = load_config(default_config_path())
    ids = {p.id for p in config.plans.items}
    assert ids == {
        "sensitive_burst",
        "negative_wave",
        "viewer_crash",
        "comment_storm",
        "stream_down",
        "collector_dead",
        "repeat_offender",
        "questions_unanswered",
    }
    kinds = {p.when.type for p in config.plans.items}
    assert {"count", "ratio", "rate", "threshold", "absence", "any"} <= kinds
    assert all(p.steps and p.name for p in config.plans.items)


def test_errors_name_the_file_line_and_key_path(tmp_path: Path) -> None:
    bad = """plans:
  - id: ok_plan
    name: 正常
    when: {type: count, signal: sensitive, min: 2, window: 60}
  - id: broken
    name: 坏的
    when:
      type: all
      of:
        - {type: count, signal: sensitive, min: 0, window: 60}
        - {type: drop, metric: online_viewers, fraction: 2, window: 30}
    colour: red
"""
    cfg = write(tmp_path, {"a.yaml": bad})
    with pytest.raises(ConfigError) as err:
        load_config(cfg)
    text = str(err.value)
    file = str(tmp_path / "plans" / "a.yaml")
    assert f"{file}:10: plans[1].when.of[0].min: Input should be greater than or equal to 1" in text
    assert f"{file}:11: plans[1].when.of[1].fraction: Input should be less than 1" in text
    assert f"{file}:12: plans[1].colour: unknown key" in text
    assert len(err.value.issues) == 3


def test_duplicate_ids_across_files_and_a_missing_folder(tmp_path: Path) -> None:
    one = "id: same\nname: 一\nwhen: {type: absence, for: 5}\n"
    cfg = write(tmp_path, {"a.yaml": one, "b.yml": one})
    with pytest.raises(ConfigError, match=r"b\.yml: id: duplicate plan id 'same'"):
        load_config(cfg)
    other = tmp_path / "other"
    other.mkdir()
    (other / "roomwatch.yaml").write_text("plans: {dir: nowhere}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"plans\.dir: not a folder"):
        load_config(other / "roomwatch.yaml")


def test_inline_and_folder_plans_combine(tmp_path: Path) -> None:
    base = (
        BASE
        + """  items:
    - {id: inline, name: 内联, when: {type: count, signal: comment, min: 1, window: 1}}
"""
    )
    cfg = write(
        tmp_path, {"a.yaml": "- {id: filed, name: 文件, when: {type: absence, for: 5}}\n"}, base
    )
    assert [p.id for p in load_config(cfg).plans.items] == ["inline", "filed"]
