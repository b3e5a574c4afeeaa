"""Small helpers every web module uses: JSON responses and bounded JSON bodies."""

from __future__ import annotations

import math
from typing import Any

import orjson
from aiohttp import web

from monitor.httpbody import BodyError, read_limited


def json_response(data: object, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(data), status=status, content_type="application/json")


def error_response(status: int, message: str, **extra: object) -> web.Response:
    return json_response({"error": message, **extra}, status=status)


def bad_request(message: str) -> web.HTTPBadRequest:
    """Return a 400 to raise, with the JSON error body every endpoint uses."""
    return web.HTTPBadRequest(
        text=orjson.dumps({"error": message}).decode(), content_type="application/json"
    )


async def read_json(request: web.Request, *, max_bytes: int = 65_536) -> dict[str, Any]:
    """Return the JSON object body, or raise 400/408/413 with the reason."""
    try:
        # The whole body, however many pieces it arrives in: one content.read(n) returns
        # only what has arrived so far.
        raw = await read_limited(request, max_bytes)
    except BodyError as exc:
        raise _refusal(exc) from None
    if not raw:
        return {}
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise bad_request("body: not valid JSON") from None
    if not isinstance(data, dict):
        raise bad_request("body: must be a JSON object")
    return data


def _refusal(exc: BodyError) -> web.HTTPException:
    """Return the refusal to raise for a body that cannot be read, with a JSON error body."""
    text = orjson.dumps({"error": str(exc)}).decode()
    if exc.status == 413:  # max_size only words aiohttp's default text, replaced here
        return web.HTTPRequestEntityTooLarge(0, text=text, content_type="application/json")
    if exc.status == 408:
        return web.HTTPRequestTimeout(text=text, content_type="application/json")
    return web.HTTPBadRequest(text=text, content_type="application/json")


def int_query(request: web.Request, name: str, default: int, lo: int, hi: int) -> int:
    """Return an integer query parameter within [lo, hi], or raise 400 naming it."""
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f"{name}: must be an integer") from None
    if not lo <= value <= hi:
        raise bad_request(f"{name}: must be between {lo} and {hi}")
    return value


MAX_TIMESTAMP = 1e11  # unix seconds (year 5138): past this a time is a mistake, not a date


def float_query(
    request: web.Request, name: str, lo: float = 0.0, hi: float = MAX_TIMESTAMP
) -> float | None:
    """Return a finite number query parameter within [lo, hi], or raise 400 naming it."""
    raw = request.query.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise bad_request(f"{name}: must be a number (unix seconds)") from None
    return checked_number(name, value, lo, hi)


def checked_number(name: str, value: float, lo: float, hi: float) -> float:
    """Return value when finite and within [lo, hi], else raise 400 naming the field and why."""
    if not math.isfinite(value):
        raise bad_request(f"{name}: must be a finite number (not NaN or infinity)")
    if not lo <= value <= hi:
        raise bad_request(f"{name}: must be between {lo:g} and {hi:g}")
    return value
