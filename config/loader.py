"""Load YAML configuration: line numbers, ${ENV} substitution and every error at once."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from config.people import literal_secret_problems
from config.schema import Config

ENV_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
PathKey = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class ConfigIssue:
    """One configuration error: where (key path, file, line) and why."""

    path: str
    message: str
    line: int | None = None
    file: str = ""

    def __str__(self) -> str:
        where = self.file or "<config>"
        if self.line is not None:
            where += f":{self.line}"
        return f"{where}: {self.path or '$'}: {self.message}"


class ConfigError(Exception):
    """The configuration is invalid; `issues` lists every problem found."""

    def __init__(self, issues: list[ConfigIssue]) -> None:
        super().__init__("\n".join(str(i) for i in issues))
        self.issues = issues


def format_path(loc: PathKey) -> str:
    """Render a key path as `plans[2].escalate[0].after`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def _line_map(
    node: yaml.Node | None, path: PathKey = (), out: dict[PathKey, int] | None = None
) -> dict[PathKey, int]:
    out = {} if out is None else out
    if node is None:
        return out
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            out[(*path, key)] = key_node.start_mark.line + 1
            _line_map(value_node, (*path, key), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, (*path, i), out)
    return out


def _substitute(
    value: Any, path: PathKey, env: dict[str, str], issues: list[tuple[PathKey, str]]
) -> Any:
    if isinstance(value, str):

        def repl(m: re.Match[str]) -> str:
            name, default = m.group(1), m.group(2)
            if name in env:
                return env[name]
            if default is not None:
                return default
            issues.append((path, f"environment variable {name} is not set"))
            return ""

        return ENV_RE.sub(repl, value)
    if isinstance(value, dict):
        return {k: _substitute(v, (*path, str(k)), env, issues) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, (*path, i), env, issues) for i, v in enumerate(value)]
    return value


def data_path(data: object, loc: tuple[str | int, ...]) -> PathKey:
    """Return a validation error's location as a key path into the config data.

    Pydantic puts union tags (`sources[0].douyin.signer`) and validator names into the
    location; a user only knows the keys they wrote, so those parts are dropped.
    """
    out: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(part, str) and part.startswith("function-"):
            continue
        if isinstance(node, dict):
            if part in node:
                node = node[part]
            elif not last:
                continue  # a union tag, not a key of the user's mapping
            out.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            out.append(part)
        else:
            node = None
            out.append(part)
    return tuple(out)


def _nearest_line(lines: dict[PathKey, int], loc: PathKey) -> int | None:
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None


def load_config_text(
    text: str, *, file: str = "", base_dir: Path | None = None, env: dict[str, str] | None = None
) -> Config:
    """Parse and validate configuration text; raise ConfigError listing every problem."""
    env = dict(os.environ) if env is None else env
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise ConfigError([ConfigIssue("", f"YAML syntax: {exc.problem}", line, file)]) from None
    except yaml.YAMLError as exc:
        raise ConfigError([ConfigIssue("", f"YAML: {exc}", None, file)]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError([ConfigIssue("", "the top level must be a mapping", 1, file)])
    lines = _line_map(node)
    env_issues: list[tuple[PathKey, str]] = list(literal_secret_problems(data))
    data = _substitute(data, (), env, env_issues)
    issues = [ConfigIssue(format_path(p), m, _nearest_line(lines, p), file) for p, m in env_issues]
    unset = {p for p, _ in env_issues}
    context = {"base_dir": base_dir or Path.cwd()}
    try:
        config = Config.model_validate(data, context=context)
    except ValidationError as exc:
        for err in exc.errors():
            loc = data_path(data, err["loc"])
            if any(loc[: len(p)] == p for p in unset):
                continue  # already reported: the variable it needs is not set
            msg = err["msg"]
            ctx = err.get("ctx") or {}
            if err["type"] == "extra_forbidden":
                msg = "unknown key"
            elif err["type"] in ("union_tag_invalid", "union_tag_not_found"):
                key = str(ctx.get("discriminator", "type")).strip("'")
                loc = (*loc, key)
                if err["type"] == "union_tag_not_found":
                    msg = "is required"
                else:
                    msg = f"unknown {key} {ctx.get('tag')!r}; expected one of "
                    msg += str(ctx.get("expected_tags", "")).replace("'", "")
            elif msg.startswith("Value error, "):
                msg = msg.removeprefix("Value error, ")
            issues.append(ConfigIssue(format_path(loc), msg, _nearest_line(lines, loc), file))
        raise ConfigError(issues) from None
    for loc, msg in config.problems():
        if any(loc[: len(p)] == p for p in unset):
            continue
        issues.append(ConfigIssue(format_path(loc), msg, _nearest_line(lines, loc), file))
    if config.plans.dir:
        config = _with_plan_dir(config, Path(context["base_dir"]), env, issues)
    if issues:
        raise ConfigError(issues)
    return config.model_copy(update={"base_dir": context["base_dir"]})


def _with_plan_dir(
    config: Config, base_dir: Path, env: dict[str, str], issues: list[ConfigIssue]
) -> Config:
    """Append the plans found in `plans.dir` to the inline ones (ids must stay unique)."""
    from config.plan_files import load_plan_dir

    found, problems = load_plan_dir(base_dir / config.plans.dir, env)
    issues.extend(problems)
    seen = {p.id for p in config.plans.items}
    items = list(config.plans.items)
    for plan, plan_file in found:
        if plan.id in seen:
            issues.append(ConfigIssue("id", f"duplicate plan id {plan.id!r}", None, plan_file))
            continue
        seen.add(plan.id)
        if plan.escalation and plan.escalation not in config.escalation.ladder_ids():
            issues.append(
                ConfigIssue("escalation", f"unknown ladder {plan.escalation!r}", None, plan_file)
            )
        items.append(plan)
    plans = config.plans.model_copy(update={"items": items})
    return config.model_copy(update={"plans": plans})


def load_config(path: str | Path, *, env: dict[str, str] | None = None) -> Config:
    """Read a YAML config file; relative paths inside it resolve against its folder."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([ConfigIssue("", f"cannot read: {exc.strerror}", None, str(p))]) from None
    except UnicodeDecodeError:
        raise ConfigError([ConfigIssue("", "the file is not valid UTF-8", None, str(p))]) from None
    return load_config_text(text, file=str(p), base_dir=p.resolve().parent, env=env)


def default_config_path() -> Path:
    """Return the shipped demo configuration."""
    return Path(__file__).resolve().parent / "roomwatch.yaml"
