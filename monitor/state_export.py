"""`roomwatch export-state --config F [--out FILE]`: write the console's changes to a file.

What the console changes at run time (people added or edited, teams) lives in the store,
never in the package or the checkout: in Redis for the Redis store, in the process for the
memory store (gone with it). This command reads it from Redis and writes it as a `people:`
section that a config file can take over, to stdout or to the file `--out` names. Secrets
are what the store keeps: argon2 hashes of passwords set in the console, none of those
that come from the config or its environment.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from alerts.store.base import AlertStore, StoreError
from config.schema import Config
from monitor.access.directory import PEOPLE_KIND, TEAMS_KIND
from monitor.cli import EXTRA_COMMANDS, _load

PERSON_KEYS = ("id", "name", "role", "password", "tokens", "rooms")
TEAM_KEYS = ("id", "name", "supervisors", "members", "rooms")


async def read_state(store: AlertStore) -> dict[str, Any]:
    """Return the store's people and teams as a config `people:` section (deleted: listed)."""
    people = await store.get_items(PEOPLE_KIND)
    teams = await store.get_items(TEAMS_KIND)
    users: list[dict[str, Any]] = []
    deleted: list[str] = []
    for uid in sorted(people):
        item = people[uid]
        if item.get("deleted"):
            deleted.append(uid)
            continue
        users.append({k: item[k] for k in PERSON_KEYS if item.get(k) not in (None, "", [])})
    section: dict[str, Any] = {
        "users": users,
        "teams": [{k: teams[t][k] for k in TEAM_KEYS if k in teams[t]} for t in sorted(teams)],
    }
    return {"people": section, "deleted_users": deleted}


def render(state: dict[str, Any], config: Config) -> str:
    header = (
        f"# roomwatch console changes, exported {time.strftime('%Y-%m-%d %H:%M:%S %Z')} from "
        f"the Redis store (key prefix {config.store.key_prefix}).\n"
        "# People without a password here keep the one their config or environment sets.\n"
    )
    if state["deleted_users"]:
        header += f"# Deleted in the console: {', '.join(state['deleted_users'])}\n"
    body = yaml.safe_dump({"people": state["people"]}, allow_unicode=True, sort_keys=False)
    return header + body


async def export(config: Config) -> str:
    from monitor.app import build_store  # the composition root; imported late for the CLI

    store = build_store(config)
    try:
        return render(await read_state(store), config)
    finally:
        await store.close()


def cmd_export_state(args: argparse.Namespace) -> int:
    """Run `roomwatch export-state`."""
    config = _load(args.config)
    if config is None:
        return 2
    if config.store.kind != "redis":
        print(
            "export-state: the memory store lives in the running process (and ends with it); "
            "only the Redis store can be exported",
            file=sys.stderr,
        )
        return 2
    try:
        text = asyncio.run(export(config))
    except (StoreError, OSError) as exc:
        print(f"export-state: cannot read the store: {exc}", file=sys.stderr)
        return 1
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `export-state` subcommand."""
    p = sub.add_parser(
        "export-state", help="write the console's people and team changes (in Redis) as YAML"
    )
    p.add_argument("--config", required=True, help="the config of the running instances")
    p.add_argument("--out", help="file to write (default: stdout)")
    p.set_defaults(func=cmd_export_state)


EXTRA_COMMANDS.append(register)
