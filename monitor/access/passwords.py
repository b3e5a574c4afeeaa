"""Hash and verify secrets with PBKDF2-SHA256 (hashlib), in Django's string format."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from config.people import HASH_PREFIX

DEFAULT_ITERATIONS = 260_000
MIN_ITERATIONS = 1_000


class HashFormatError(ValueError):
    """A stored secret looks like a hash but cannot be parsed."""


def hash_secret(plain: str, *, iterations: int = DEFAULT_ITERATIONS, salt: str = "") -> str:
    """Return `pbkdf2_sha256$ITERATIONS$SALT$HASH` for a plain secret."""
    if iterations < MIN_ITERATIONS:
        raise ValueError(f"iterations: must be at least {MIN_ITERATIONS}")
    salt = salt or secrets.token_hex(12)
    digest = hashlib.pbkdf2_hmac("sha256", plain.encode(), salt.encode(), iterations)
    return f"{HASH_PREFIX}{iterations}${salt}${base64.b64encode(digest).decode()}"


def is_hashed(stored: str) -> bool:
    return stored.startswith(HASH_PREFIX)


def verify_secret(plain: str, stored: str) -> bool:
    """Return True when `plain` matches the stored hash (or plain secret); constant time."""
    if not stored:
        return False
    if not is_hashed(stored):
        return hmac.compare_digest(plain.encode(), stored.encode())
    try:
        _, iters, salt, expected = stored.split("$", 3)
        iterations = int(iters)
        want = base64.b64decode(expected, validate=True)
    except ValueError as exc:
        raise HashFormatError("expected pbkdf2_sha256$ITERATIONS$SALT$HASH") from exc
    got = hashlib.pbkdf2_hmac("sha256", plain.encode(), salt.encode(), iterations)
    return hmac.compare_digest(got, want)


def new_token(user_id: str) -> str:
    """Return a fresh API token; the user id inside lets the server find the hash to check."""
    return f"rw1.{user_id}.{secrets.token_hex(20)}"


def token_user(token: str) -> str | None:
    """Return the user id embedded in a token made by new_token, else None."""
    if not token.startswith("rw1."):
        return None
    uid, _, secret = token[4:].rpartition(".")
    return uid if uid and secret else None
