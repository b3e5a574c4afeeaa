"""Allowlist terms added at runtime (false-positive feedback), kept in the store.

A term is global (admins only), for one team's rooms or for listed rooms. Terms are
keyed items of the kind "allowlist", so the memory and Redis stores keep them alike and
every instance and restart sees them; nothing is written to the lexicon folder.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from alerts.store.base import AlertStore

ALLOW_KIND = "allowlist"
MAX_TERM = 64
MAX_ROOMS = 500
SCOPES = ("global", "team", "rooms")
# Terms the contact rules put in evidence: "<kind>:<value>" (monitor/detect/contact.py).
CONTACT_TERM = re.compile(r"(phone|qq|number|id):[a-z0-9]{1,40}")
# Control characters (Cc), format characters such as RLO and zero-width joiners (Cf),
# line and paragraph separators (Zl, Zp: U+2028, U+2029), unassigned and private use.
_REFUSED = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


class AllowlistError(ValueError):
    """A term or scope was refused; names the field and why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True, slots=True)
class AllowTerm:
    """One allowlist term: what, where it applies, who added it and when."""

    id: str
    term: str
    scope: str  # global | team | rooms
    team: str = ""
    rooms: tuple[str, ...] = ()
    category: str = ""
    by: str = ""
    ts: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "term": self.term,
            "scope": self.scope,
            "team": self.team,
            "rooms": list(self.rooms),
            "category": self.category,
            "by": self.by,
            "ts": self.ts,
        }

    @classmethod
    def from_item(cls, key: str, d: dict[str, Any]) -> AllowTerm:
        """Rebuild a stored term; entries stored before scopes existed are global."""
        scope = str(d.get("scope") or "global")
        return cls(
            id=str(d.get("id") or key),
            term=str(d.get("term", "")),
            scope=scope if scope in SCOPES else "global",
            team=str(d.get("team", "")),
            rooms=tuple(str(r) for r in d.get("rooms", ()) or ()),
            category=str(d.get("category", "")),
            by=str(d.get("by", "")),
            ts=float(d.get("ts", 0.0) or 0.0),
        )


def check_term(raw: object) -> str:
    """Return the term stripped, or raise AllowlistError saying what is wrong with it."""
    if not isinstance(raw, str) or not raw.strip():
        raise AllowlistError("term", "required, a non-empty string")
    term = raw.strip(" ")
    if len(term) > MAX_TERM:
        raise AllowlistError("term", f"at most {MAX_TERM} characters")
    for ch in term:  # before any other stripping: str.strip() would eat U+2028 at an end
        cat = unicodedata.category(ch)
        if cat in _REFUSED:
            raise AllowlistError(
                "term", f"character U+{ord(ch):04X} ({cat}) is not allowed: one line of text"
            )
    kind = term.split(":", 1)[0] if ":" in term else ""
    if kind in ("phone", "qq", "number", "id") and not CONTACT_TERM.fullmatch(term):
        raise AllowlistError("term", "a contact term is <phone|qq|number|id>:<letters/digits>")
    return term


def check_scope(scope: object, team: object, rooms: object) -> tuple[str, str, tuple[str, ...]]:
    """Return (scope, team, rooms) checked for shape; who may use them is the caller's rule."""
    if scope not in SCOPES:
        raise AllowlistError("scope", "must be global, team or rooms")
    if scope == "team":
        if not isinstance(team, str) or not team:
            raise AllowlistError("team", "required for a team scope")
        return "team", team, ()
    if scope == "rooms":
        if not isinstance(rooms, list) or not rooms:
            raise AllowlistError("rooms", "required for a rooms scope: a non-empty list")
        if len(rooms) > MAX_ROOMS or not all(isinstance(r, str) and r for r in rooms):
            raise AllowlistError("rooms", f"a list of at most {MAX_ROOMS} room ids")
        return "rooms", "", tuple(sorted(set(rooms)))
    return "global", "", ()


def term_id(term: str, scope: str, team: str, rooms: tuple[str, ...]) -> str:
    """Return the stable id of a term in a scope (the same term may be in several scopes)."""
    raw = "\x1f".join((term, scope, team, *rooms)).encode()
    return hashlib.blake2b(raw, digest_size=8).hexdigest()


class Allowlist:
    """Read, add and remove allowlist terms in a store."""

    def __init__(self, store: AlertStore) -> None:
        self._store = store

    async def terms(self) -> list[AllowTerm]:
        """Return every term, oldest first."""
        items = await self._store.get_items(ALLOW_KIND)
        terms = [AllowTerm.from_item(k, v) for k, v in items.items()]
        return sorted(terms, key=lambda t: (t.ts, t.id))

    async def get(self, term_id: str) -> AllowTerm | None:
        item = (await self._store.get_items(ALLOW_KIND)).get(term_id)
        return AllowTerm.from_item(term_id, item) if item is not None else None

    async def add(self, term: AllowTerm) -> bool:
        """Store a term; False when the same term is already there in the same scope."""
        if await self.get(term.id) is not None:
            return False
        await self._store.put_item(ALLOW_KIND, term.id, term.to_dict())
        return True

    async def remove(self, term_id: str) -> bool:
        """Delete a term; True when it existed."""
        return await self._store.delete_item(ALLOW_KIND, term_id)


def new_term(
    term: str,
    scope: str,
    *,
    team: str = "",
    rooms: tuple[str, ...] = (),
    category: str = "",
    by: str = "",
    ts: float = 0.0,
) -> AllowTerm:
    """Return a term with its id, after checking the text (AllowlistError when refused)."""
    text = check_term(term)
    scope, team, rooms = check_scope(scope, team, list(rooms))
    if not isinstance(category, str) or len(category) > 64:
        raise AllowlistError("category", "a string of at most 64 characters")
    if any(unicodedata.category(ch) in _REFUSED for ch in category):
        raise AllowlistError("category", "control characters are not allowed")
    return AllowTerm(term_id(text, scope, team, rooms), text, scope, team, rooms, category, by, ts)
