"""`roomwatch dead-letters list|replay`: read and resend notifications that were given up on.

It talks to a running roomwatch over its admin REST endpoints, so it works the same with
the memory store (the running process holds the list) and the Redis store.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from datetime import UTC, datetime
from typing import Any

import aiohttp
import orjson

from monitor import cli

DEFAULT_URL = "http://127.0.0.1:8080"


async def _call(
    method: str, url: str, token: str, body: dict[str, Any] | None = None
) -> tuple[int, Any]:
    timeout = aiohttp.ClientTimeout(total=15)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        data = orjson.dumps(body) if body is not None else None
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        async with http.request(method, url, data=data, headers=headers) as resp:
            return resp.status, orjson.loads(await resp.read() or b"null")


def _when(ts: Any) -> str:
    try:
        return datetime.fromtimestamp(float(ts), UTC).strftime("%Y-%m-%d %H:%M:%S")
    except (TypeError, ValueError, OverflowError):
        return "?"


def cmd_dead_letters(args: argparse.Namespace) -> int:
    base = args.url.rstrip("/")
    try:
        if args.action == "list":
            status, data = asyncio.run(_call("GET", f"{base}/api/v1/dead-letters", args.token))
        else:
            if not args.keys and not args.all:
                print("dead-letters replay: give KEY... or --all", file=sys.stderr)
                return 2
            body: dict[str, Any] = {"all": True} if args.all else {"keys": list(args.keys)}
            url = f"{base}/api/v1/dead-letters/replay"
            status, data = asyncio.run(_call("POST", url, args.token, body))
    except (aiohttp.ClientError, TimeoutError, orjson.JSONDecodeError) as exc:
        print(f"dead-letters: {type(exc).__name__}: {exc or 'no answer'}", file=sys.stderr)
        return 1
    if args.json:
        print(orjson.dumps(data).decode())
    elif args.action == "list" and status == 200:
        letters = data.get("dead_letters", [])
        for d in letters:
            n = d.get("notification", {})
            alert = n.get("alert", {})
            print(
                f"{_when(d.get('failed_at'))}  {n.get('notifier', '?'):<16} "
                f"{n.get('reason', '?'):<11} {alert.get('room', '?')}/{alert.get('plan_id', '?')}  "
                f"attempts={d.get('attempts')}  error={d.get('error')}\n    key={d.get('key')}"
            )
        print(f"{len(letters)} dead letter(s)")
    elif status in (200, 404) and isinstance(data, dict) and "replayed" in data:
        print(f"replayed {len(data['replayed'])}; unknown: {', '.join(data['unknown']) or '-'}")
    else:
        print(f"dead-letters: HTTP {status}: {data}", file=sys.stderr)
    return 0 if status == 200 else 1


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("dead-letters", help="list or replay notifications that were given up on")
    p.add_argument("action", choices=["list", "replay"])
    p.add_argument("keys", nargs="*", help="dead-letter keys to replay")
    p.add_argument("--all", action="store_true", help="replay every dead letter")
    p.add_argument("--url", default=DEFAULT_URL, help=f"running roomwatch (default {DEFAULT_URL})")
    p.add_argument(
        "--token",
        default=os.environ.get("ROOMWATCH_TOKEN", ""),
        help="an admin API token (default: $ROOMWATCH_TOKEN)",
    )
    p.add_argument("--json", action="store_true", help="print the raw JSON answer")
    p.set_defaults(func=cmd_dead_letters)


cli.EXTRA_COMMANDS.append(register)
