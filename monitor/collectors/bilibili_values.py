"""Defensive readers for Bilibili command fields (they are positional, drift and go null)."""

from __future__ import annotations

import base64
import binascii
import time
from typing import Any

import orjson
from google.protobuf.message import DecodeError
from google.protobuf.message import Message as PbMessage

from monitor.collectors.common import clip_id

GOLD_PER_YUAN = 1000.0  # gold coins (金瓜子) per yuan


def at(seq: Any, *path: int) -> Any:
    """Return seq[i][j]... or None when any step is missing or not a list."""
    for i in path:
        if not isinstance(seq, list) or i >= len(seq):
            return None
        seq = seq[i]
    return seq


def sub(obj: Any, key: str) -> dict[str, Any]:
    """Return obj[key] when it is an object, else {}."""
    value = obj.get(key) if isinstance(obj, dict) else None
    return value if isinstance(value, dict) else {}


def num(value: Any, default: float = 0.0) -> float:
    """Read a number that may come as a string; default when it is neither."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return default
    return default


def key(prefix: str, value: Any) -> str:
    """Return a dedup id from a platform id, or "" (a fresh id) when there is none."""
    v = clip_id(value, 100)
    return f"{prefix}{v}" if v else ""


def extra_id(meta: Any) -> str:
    """Return info[0][15].extra.id_str (extra is a JSON string), or ""."""
    extra = meta.get("extra") if isinstance(meta, dict) else None
    if isinstance(extra, str):
        try:
            extra = orjson.loads(extra)
        except orjson.JSONDecodeError:
            return ""
    value = extra.get("id_str") if isinstance(extra, dict) else None
    return value if isinstance(value, str) else ""


def ts(value: Any) -> float:
    """Read a platform timestamp in s or ms; fall back to now."""
    t = num(value)
    if t > 1e11:
        t /= 1000.0
    return t if t > 0 else time.time()


def pb_body(data: dict[str, Any], cls: type[PbMessage]) -> Any:
    """Return data.pb (base64 protobuf) parsed as cls; ValueError when absent or damaged."""
    raw = data.get("pb")
    if not isinstance(raw, str) or not raw:
        raise ValueError("data.pb missing")
    message = cls()
    try:
        message.ParseFromString(base64.b64decode(raw, validate=True))
    except (binascii.Error, DecodeError) as exc:
        raise ValueError(f"data.pb damaged: {exc}") from None
    return message
