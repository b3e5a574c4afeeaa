"""Hash and verify secrets: argon2id (argon2-cffi) for new hashes, PBKDF2 read for old ones.

Stored forms:
  `$argon2id$v=19$m=...`            a password or token hash (what roomwatch writes)
  `pbkdf2_sha256$ITER$SALT$HASH`    older hashes (Django's format); verified, then rehashed
  `TOKENID:HASH`                    an API token hash filed under its token id
  anything else                     a plain secret from the config's ${ENV} (never stored)
API tokens look like `rw2.TOKENID.SECRET`: the id picks the one hash to check.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import hmac
import logging
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from config.people import ARGON2_PREFIX, HASH_PREFIX

log = logging.getLogger(__name__)

MIN_ITERATIONS = 1_000
TOKEN_PREFIX = "rw2."
TOKEN_ID_RE = re.compile(r"^[0-9a-f]{16}$")
# RFC 9106's second recommended profile (t=3, 64 MiB, p=4): ~0.1 s a check on one core.
HASHER = PasswordHasher()


class HashFormatError(ValueError):
    """A stored secret looks like a hash but cannot be parsed."""


def hash_secret(plain: str) -> str:
    """Return an argon2id hash of a secret (salted; parameters inside the string)."""
    return HASHER.hash(plain)


def pbkdf2_hash(plain: str, *, iterations: int = 260_000, salt: str = "") -> str:
    """Return `pbkdf2_sha256$ITERATIONS$SALT$HASH` (the older format, kept for migrations)."""
    if iterations < MIN_ITERATIONS:
        raise ValueError(f"iterations: must be at least {MIN_ITERATIONS}")
    salt = salt or secrets.token_hex(12)
    digest = hashlib.pbkdf2_hmac("sha256", plain.encode(), salt.encode(), iterations)
    return f"{HASH_PREFIX}{iterations}${salt}${base64.b64encode(digest).decode()}"


def is_hashed(stored: str) -> bool:
    return stored.startswith((ARGON2_PREFIX, HASH_PREFIX))


def verify_secret(plain: str, stored: str) -> bool:
    """Return True when `plain` matches the stored hash (or plain secret); constant time."""
    if not stored:
        return False
    if stored.startswith(ARGON2_PREFIX):
        try:
            return HASHER.verify(stored, plain)
        except VerifyMismatchError:
            return False
        except (VerificationError, InvalidHashError) as exc:
            raise HashFormatError("expected an argon2id hash") from exc
    if not stored.startswith(HASH_PREFIX):
        # A plain secret from the environment: cost the same as a hash check, so the
        # answer's timing does not tell which kind of secret a user has.
        dummy_verify(plain)
        return hmac.compare_digest(plain.encode(), stored.encode())
    try:
        _, iters, salt, expected = stored.split("$", 3)
        iterations = int(iters)
        want = base64.b64decode(expected, validate=True)
    except ValueError as exc:
        raise HashFormatError("expected pbkdf2_sha256$ITERATIONS$SALT$HASH") from exc
    got = hashlib.pbkdf2_hmac("sha256", plain.encode(), salt.encode(), iterations)
    return hmac.compare_digest(got, want)


def matches(plain: str, stored: str) -> bool:
    """Return verify_secret's answer, False for a malformed stored hash (logged)."""
    try:
        return verify_secret(plain, stored)
    except HashFormatError:
        log.warning("a stored secret is not a valid hash; it matches nothing")
        return False


def needs_rehash(stored: str) -> bool:
    """Return True for a hash older or weaker than what hash_secret writes today."""
    if stored.startswith(HASH_PREFIX):
        return True
    if stored.startswith(ARGON2_PREFIX):
        try:
            return HASHER.check_needs_rehash(stored)
        except InvalidHashError:
            return False
    return False


@functools.cache
def _dummy_hash() -> str:
    return HASHER.hash(secrets.token_hex(16))


def dummy_verify(plain: str) -> None:
    """Spend one hash check (unknown user, no password): uniform timing for every answer."""
    with contextlib.suppress(VerificationError):
        HASHER.verify(_dummy_hash(), plain)


def new_token() -> tuple[str, str]:
    """Return a fresh API token and its id; the id picks the one hash the server checks."""
    token_id = secrets.token_hex(8)
    return f"{TOKEN_PREFIX}{token_id}.{secrets.token_urlsafe(30)}", token_id


def token_id(token: str) -> str | None:
    """Return the id inside a token made by new_token, else None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    tid, _, secret = token[len(TOKEN_PREFIX) :].partition(".")
    return tid if TOKEN_ID_RE.match(tid) and secret else None


def token_user(token: str) -> str | None:
    """Return the user id inside an older `rw1.USER.SECRET` token, else None."""
    if not token.startswith("rw1."):
        return None
    uid, _, secret = token[4:].rpartition(".")
    return uid if uid and secret else None


def filed_token(stored: str) -> tuple[str, str] | None:
    """Split a stored `TOKENID:HASH` entry into (id, hash); None for other forms."""
    tid, sep, hashed = stored.partition(":")
    if sep and TOKEN_ID_RE.match(tid) and is_hashed(hashed):
        return tid, hashed
    return None
