"""The allowlist API: list, add and remove the console's terms, scoped to a team or rooms.

Terms live in the store (alerts/store/allowlist.py), never in the lexicon folder or the
package. Who may do what:

- everyone sees the global terms and the terms of the rooms they see;
- supervisors add terms for a team they supervise or for rooms they see, and remove
  terms whose every room they see; only admins add or remove global terms;
- controllers report false positives and read the list.

After a change, and every few seconds (changes made on other instances), the pipeline's
ScopedAllowlist is rebuilt from the store, with each team scope resolved to the team's
rooms at that moment.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from alerts.store.allowlist import Allowlist, AllowlistError, AllowTerm, new_term
from monitor.access.directory import Directory, Person
from monitor.detect.allowlist import ScopedAllowlist
from monitor.web.auth import ACCESS, audit, current_user, require_role
from monitor.web.keys import SERVICE
from monitor.web.util import error_response, json_response, read_json

log = logging.getLogger(__name__)

EXPORT_HEADER = (
    "# roomwatch allowlist export: the console's terms (a hit lying wholly inside one is\n"
    "# dropped). Scoped terms name their rooms in the comment line above them.\n"
)


def team_rooms(directory: Directory, team_id: str) -> frozenset[str]:
    """Return the rooms of a team: its own and those of its members."""
    team = directory.teams.get(team_id)
    if team is None:
        return frozenset()
    rooms = set(team.rooms)
    for member in team.members:
        if (p := directory.get(member)) is not None:
            rooms.update(p.rooms)
    return frozenset(rooms)


def term_rooms(directory: Directory, term: AllowTerm) -> frozenset[str] | None:
    """Return the rooms a term applies to (None: every room)."""
    if term.scope == "global":
        return None
    if term.scope == "team":
        return team_rooms(directory, term.team)
    return frozenset(term.rooms)


def _supervised(directory: Directory, person: Person) -> list[str]:
    if person.role == "admin":
        return sorted(directory.teams)
    return sorted(t.id for t in directory.teams.values() if person.id in t.supervisors)


def _may_see(directory: Directory, person: Person, term: AllowTerm) -> bool:
    mine = directory.rooms_of(person)
    rooms = term_rooms(directory, term)
    if mine is None or rooms is None:
        return True
    if term.scope == "team" and term.team in _supervised(directory, person):
        return True
    return bool(rooms & mine)


def _may_change(directory: Directory, person: Person, term: AllowTerm) -> bool:
    if person.role == "admin":
        return True
    if person.role != "supervisor" or term.scope == "global":
        return False
    if term.scope == "team":
        return term.team in _supervised(directory, person)
    mine = directory.rooms_of(person) or frozenset()
    return set(term.rooms) <= mine


def _public(directory: Directory, person: Person, term: AllowTerm) -> dict[str, Any]:
    rooms = term_rooms(directory, term)
    return {
        **term.to_dict(),
        "applies_to": None if rooms is None else sorted(rooms),
        "can_remove": _may_change(directory, person, term),
    }


async def rebuild(app: web.Application) -> int:
    """Rebuild the pipeline's scoped allowlist from the store; return its size."""
    service = app[SERVICE]
    directory = app[ACCESS].directory
    terms = await Allowlist(service.store).terms()
    normalizer = getattr(service.detector, "normalizer", None)  # the lexicon's folds
    scoped = ScopedAllowlist(((t.term, term_rooms(directory, t)) for t in terms), normalizer)
    service.pipeline.allowlist = scoped if scoped.size else None
    return scoped.size


async def list_terms(request: web.Request) -> web.Response:
    user = current_user(request)
    directory = request.app[ACCESS].directory
    terms = await Allowlist(request.app[SERVICE].store).terms()
    visible = [_public(directory, user, t) for t in terms if _may_see(directory, user, t)]
    visible.reverse()  # newest first
    return json_response(
        {
            "terms": visible,
            "teams": _supervised(directory, user) if user.role != "controller" else [],
            "rooms": directory.visible_rooms(user),
            "can_add": user.role in ("supervisor", "admin"),
            "can_global": user.role == "admin",
        }
    )


def _default_scope(directory: Directory, user: Person, body: dict[str, Any]) -> str:
    if "scope" in body:
        return str(body["scope"])
    if user.role == "admin":
        return "global"
    teams = _supervised(directory, user)
    if len(teams) == 1:
        body.setdefault("team", teams[0])
        return "team"
    raise AllowlistError("scope", "required: team or rooms")


async def add_term(request: web.Request) -> web.Response:
    user = require_role(request, "supervisor", "admin")
    service = request.app[SERVICE]
    directory = request.app[ACCESS].directory
    body = await read_json(request, max_bytes=16_384)
    try:
        scope = _default_scope(directory, user, body)
        term = new_term(
            body.get("term"),  # type: ignore[arg-type]  # checked by new_term
            scope,
            team=body.get("team", ""),
            rooms=tuple(body["rooms"]) if isinstance(body.get("rooms"), list) else (),
            category=body.get("category", ""),
            by=user.id,
            ts=service.clock.now(),
        )
    except AllowlistError as exc:
        return error_response(400, str(exc), field=exc.field)
    if term.scope == "global" and user.role != "admin":
        return error_response(403, "scope: only admins add global terms", field="scope")
    if term.scope == "team":
        if term.team not in directory.teams:
            return error_response(400, f"team: unknown team {term.team!r}", field="team")
        if term.team not in _supervised(directory, user):
            return error_response(403, "team: not a team you supervise", field="team")
    if term.scope == "rooms":
        known = set(directory.all_rooms)
        if unknown := [r for r in term.rooms if r not in known]:
            return error_response(400, f"rooms: unknown room {unknown[0]!r}", field="rooms")
        mine = directory.rooms_of(user)
        if mine is not None and (denied := [r for r in term.rooms if r not in mine]):
            return error_response(403, f"rooms: not one of your rooms: {denied[0]}", field="rooms")
    if not await Allowlist(service.store).add(term):
        return error_response(409, "term: already on the allowlist in this scope", id=term.id)
    size = await rebuild(request.app)
    await audit(request, "allowlist_add", target=term.term, detail=_scope_text(term))
    log.info("allowlist term added by %s (%s); %d terms apply", user.id, _scope_text(term), size)
    return json_response(_public(directory, user, term), status=201)


async def remove_term(request: web.Request) -> web.Response:
    user = require_role(request, "supervisor", "admin")
    directory = request.app[ACCESS].directory
    allowlist = Allowlist(request.app[SERVICE].store)
    term = await allowlist.get(request.match_info["term_id"])
    if term is None or not _may_see(directory, user, term):
        return error_response(404, "term: not found")
    if not _may_change(directory, user, term):
        return error_response(403, "term: outside the rooms you answer for")
    await allowlist.remove(term.id)
    await rebuild(request.app)
    await audit(request, "allowlist_remove", target=term.term, detail=_scope_text(term))
    return json_response({"removed": term.id})


async def export_terms(request: web.Request) -> web.Response:
    """Return the visible terms as a word-list file (one term a line, '#' comments)."""
    user = current_user(request)
    directory = request.app[ACCESS].directory
    lines = [EXPORT_HEADER]
    for term in await Allowlist(request.app[SERVICE].store).terms():
        if _may_see(directory, user, term):
            lines.append(f"# {_scope_text(term)}; by {term.by}\n{term.term}\n")
    return web.Response(
        text="".join(lines),
        content_type="text/plain",
        charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="allowlist.txt"'},
    )


def _scope_text(term: AllowTerm) -> str:
    if term.scope == "team":
        return f"team={term.team}"
    if term.scope == "rooms":
        return "rooms=" + ",".join(term.rooms)
    return "global"


def register(app: web.Application) -> None:
    app.router.add_get("/api/v1/allowlist", list_terms)
    app.router.add_post("/api/v1/allowlist", add_term)
    app.router.add_get("/api/v1/allowlist/export", export_terms)
    app.router.add_delete("/api/v1/allowlist/{term_id}", remove_term)
