"""`roomwatch migrate-keys`: move a deployment's keys to the room-tagged layout.

See alerts/store/migrate.py for what moves where; docs/scaling.md ("Redis Cluster") for
when to run it. Every instance must be stopped while it runs.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from alerts.store.connect import RedisTarget
from alerts.store.migrate import KeyMigration, old_layout_present
from config.schema import Config
from monitor.cli import EXTRA_COMMANDS, _load

OLD_LAYOUT = (
    "the store holds keys of the layout before hash tags ({where}); stop every instance "
    "and run `roomwatch migrate-keys --config {config}` first (docs/scaling.md)"
)


async def check_layout(config: Config) -> str | None:
    """Return why the service must not start on this store (old keys), or None."""
    if config.store.kind != "redis":
        return None
    target = RedisTarget.from_config(config.store)
    client = target.redis(socket_timeout=2.0, socket_connect_timeout=2.0)
    try:
        if await old_layout_present(client, config.store.key_prefix):
            return OLD_LAYOUT.format(where=target.describe(), config="<file>")
    except (RedisError, OSError):
        return None  # unreachable now: the service starts and waits for it as always
    finally:
        await client.aclose()
        await target.close()
    return None


async def migrate(config: Config, source_url: str, *, dry_run: bool) -> dict[str, int]:
    target = RedisTarget.from_config(config.store)
    client = target.redis(socket_timeout=30.0)
    same = not source_url
    if same and target.sharded:
        raise ValueError("the store is a cluster: say where the old keys are with --from URL")
    if same:
        assert isinstance(client, aioredis.Redis)
        source = client
    else:
        source = aioredis.Redis.from_url(source_url, socket_timeout=30.0)
    try:
        run = KeyMigration(
            source, client, config.store.key_prefix, same_server=same, dry_run=dry_run
        )
        return dict(await run.run())
    finally:
        if source is not client:
            await source.aclose()
        await client.aclose()
        await target.close()


def cmd_migrate_keys(args: argparse.Namespace) -> int:
    """Run `roomwatch migrate-keys`."""
    config = _load(args.config)
    if config is None:
        return 2
    if config.store.kind != "redis":
        print("migrate-keys: the config's store is not Redis", file=sys.stderr)
        return 2
    try:
        counts = asyncio.run(migrate(config, args.source or "", dry_run=args.dry_run))
    except (RedisError, OSError, ValueError) as exc:
        print(f"migrate-keys: {exc}", file=sys.stderr)
        return 1
    verb = "would move" if args.dry_run else "moved"
    if not counts:
        print("migrate-keys: nothing to move (the store already uses the new layout)")
    for kind, n in sorted(counts.items()):
        print(f"{verb} {n} {kind}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `migrate-keys` subcommand."""
    p = sub.add_parser(
        "migrate-keys", help="move Redis keys to the room-tagged layout (instances stopped)"
    )
    p.add_argument("--config", required=True, help="the config of the (stopped) instances")
    p.add_argument(
        "--from",
        dest="source",
        help="redis:// URL of the single Redis holding the old keys (default: the config's)",
    )
    p.add_argument("--dry-run", action="store_true", help="count what would move; change nothing")
    p.set_defaults(func=cmd_migrate_keys)


EXTRA_COMMANDS.append(register)
