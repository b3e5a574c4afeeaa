"""Operator hooks: an external command or an HTTP service that answers one JSON object.

Signing a Douyin or TikTok push URL and fetching a Kuaishou token both run code roomwatch
does not ship. A hook gets a JSON request (on stdin, or as a POST body) and answers a JSON
object; anything else is a HookError, which the collector treats as a failed bootstrap
(backed off and retried, never the end of the room).
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import orjson


class HookError(RuntimeError):
    """The hook failed or answered something unusable; the collector retries later."""


def parse_answer(raw: bytes, who: str) -> dict[str, Any]:
    """Return the hook's answer as an object, or raise HookError naming the hook."""
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise HookError(f"{who}: answer is not JSON") from None
    if not isinstance(obj, dict):
        raise HookError(f"{who}: answer must be a JSON object")
    return obj


def string_map(obj: dict[str, Any], key: str, who: str) -> dict[str, str]:
    """Return obj[key] as a str -> str map ({} when absent)."""
    value = obj.get(key) or {}
    if not isinstance(value, dict):
        raise HookError(f"{who}: {key} must be an object")
    return {str(k): str(v) for k, v in value.items()}


async def run_command(argv: list[str], request: dict[str, Any], limit: float) -> dict[str, Any]:
    """Run the command with the request as JSON on stdin; return its JSON answer."""
    proc = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(orjson.dumps(request)), limit)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise HookError(f"hook command timed out after {limit:g}s") from None
    if proc.returncode != 0:
        raise HookError(f"hook command exited {proc.returncode}: {err[:200]!r}")
    return parse_answer(out, "hook command")


async def post_json(
    endpoint: str, token: str, request: dict[str, Any], limit: float
) -> dict[str, Any]:
    """POST the request (with a bearer token when set); return the service's JSON answer."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=limit)) as http:
        try:
            async with http.post(endpoint, json=request, headers=headers) as resp:
                body = await resp.read()
                if resp.status != 200:
                    raise HookError(f"hook service -> HTTP {resp.status}")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise HookError(f"hook service unreachable: {exc}") from None
    return parse_answer(body, "hook service")
