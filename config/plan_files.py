"""Load emergency plans from the YAML files of a folder (config `plans.dir`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from config.loader import ConfigIssue, PathKey, _line_map, _nearest_line, _substitute, format_path
from config.plans import PlanConfig

CONDITION_TAGS = frozenset({"count", "ratio", "rate", "drop", "threshold", "absence", "all", "any"})


def load_plan_dir(
    directory: Path, env: dict[str, str]
) -> tuple[list[tuple[PlanConfig, str]], list[ConfigIssue]]:
    """Return (plan, file) pairs from every *.yaml/*.yml file, and every problem found."""
    if not directory.is_dir():
        return [], [ConfigIssue("plans.dir", f"not a folder: {directory}")]
    plans: list[tuple[PlanConfig, str]] = []
    issues: list[ConfigIssue] = []
    files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    for path in files:
        got, problems = load_plan_file(path, env)
        plans.extend((p, str(path)) for p in got)
        issues.extend(problems)
    return plans, issues


def load_plan_file(path: Path, env: dict[str, str]) -> tuple[list[PlanConfig], list[ConfigIssue]]:
    """Parse one plan file: a `plans:` list, a bare list, or one plan mapping."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except OSError as exc:
        return [], [ConfigIssue("", f"cannot read: {exc.strerror}", None, file)]
    except UnicodeDecodeError:
        return [], [ConfigIssue("", "the file is not valid UTF-8", None, file)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        return [], [ConfigIssue("", f"YAML syntax: {exc.problem}", line, file)]
    except yaml.YAMLError as exc:
        return [], [ConfigIssue("", f"YAML: {exc}", None, file)]
    lines = _line_map(node)
    prefix: PathKey
    if isinstance(data, dict) and set(data) == {"plans"}:
        items, prefix = data["plans"], ("plans",)
    elif isinstance(data, dict):
        items, prefix = [data], ()
    else:
        items, prefix = data, ()
    if not isinstance(items, list):
        return [], [ConfigIssue(format_path(prefix), "must be a list of plans", 1, file)]
    env_issues: list[tuple[PathKey, str]] = []
    items = _substitute(items, prefix, env, env_issues)
    issues = [ConfigIssue(format_path(p), m, _nearest_line(lines, p), file) for p, m in env_issues]
    out: list[PlanConfig] = []
    for i, item in enumerate(items):
        loc: PathKey = (*prefix, i) if (prefix or isinstance(data, list)) else ()
        try:
            out.append(PlanConfig.model_validate(item))
        except ValidationError as exc:
            issues.extend(_issues(exc, loc, lines, file))
    return out, issues


def _issues(
    exc: ValidationError, base: PathKey, lines: dict[PathKey, int], file: str
) -> list[ConfigIssue]:
    out: list[ConfigIssue] = []
    for err in exc.errors():
        loc: PathKey = (*base, *_clean(err["loc"]))
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        elif msg.startswith("Value error, "):
            msg = msg.removeprefix("Value error, ")
        out.append(ConfigIssue(format_path(loc), msg, _nearest_line(lines, loc), file))
    return out


def _clean(loc: tuple[Any, ...]) -> PathKey:
    # pydantic puts the condition's type tag in loc after `when` or a list index of `of`;
    # users never wrote that key, so leave it out of the path.
    out: list[str | int] = []
    for i, part in enumerate(loc):
        if isinstance(part, str) and part.startswith("function-"):
            continue
        after_slot = i > 0 and (loc[i - 1] == "when" or isinstance(loc[i - 1], int))
        if part in CONDITION_TAGS and after_slot:
            continue
        out.append(part)
    return tuple(out)
