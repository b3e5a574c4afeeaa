"""False-positive feedback and the runtime allowlist.

A comment marked false positive is recorded ("false_positive" records). A supervisor or
admin can add a term to the allowlist (the matched term, or a wider phrase around it:
the lexicon drops a hit lying fully inside an allowlisted phrase). The term is kept in
the store (every instance, every restart), appended to the allowlist file and the
detector reloads at once; other instances sharing the lexicon folder pick the file
change up within detection.reload_interval.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from aiohttp import web

from alerts.model import Alert, FlaggedComment, evidence_to_dict
from monitor.detect.detector import LexiconDetector
from monitor.web.auth import ACCESS, audit, current_user, require_role
from monitor.web.keys import SERVICE
from monitor.web.util import bad_request, int_query, json_response, read_json

log = logging.getLogger(__name__)

FP_KIND = "false_positive"
ALLOW_KIND = "allowlist"
CONSOLE_ALLOWLIST = "console_allowlist.txt"
MAX_TERM = 64


def allowlist_file(detector: object) -> Path | None:
    """Return the allowlist file console additions go to, or None when there is none.

    `console_allowlist.txt` when the config lists it among detection.allowlist_files,
    else the first listed allowlist file.
    """
    if not isinstance(detector, LexiconDetector):
        return None
    files = detector.config.allowlist_files
    if not files:
        return None
    name = CONSOLE_ALLOWLIST if CONSOLE_ALLOWLIST in files else files[0]
    return detector.source.folder / name


async def record_false_positive(
    request: web.Request, alert: Alert, comment: FlaggedComment, actor: str
) -> None:
    """Keep the false-positive report: room, category, the matched terms, the text."""
    service = request.app[SERVICE]
    await service.store.append_record(
        FP_KIND,
        {
            "ts": service.clock.now(),
            "room": alert.room,
            "alert_id": alert.id,
            "plan_id": alert.plan_id,
            "event_id": comment.event_id,
            "category": comment.category,
            "text": comment.text,
            "terms": sorted({e.term for e in comment.evidence}),
            "evidence": [evidence_to_dict(e) for e in comment.evidence],
            "by": actor,
        },
    )


async def list_false_positives(request: web.Request) -> web.Response:
    user = current_user(request)
    rooms = request.app[ACCESS].directory.rooms_of(user)
    limit = int_query(request, "limit", 200, 1, 5000)
    records = await request.app[SERVICE].store.read_records(FP_KIND, limit=50_000)
    out = [r for r in reversed(records) if rooms is None or r.get("room") in rooms]
    return json_response({"false_positives": out[:limit]})


async def get_allowlist(request: web.Request) -> web.Response:
    items = await request.app[SERVICE].store.get_items(ALLOW_KIND)
    return json_response({"terms": sorted(items.values(), key=lambda i: str(i.get("term")))})


async def add_allowlist(request: web.Request) -> web.Response:
    user = require_role(request, "supervisor", "admin")
    service = request.app[SERVICE]
    body = await read_json(request, max_bytes=4096)
    term = body.get("term")
    category = body.get("category", "")
    if not isinstance(term, str) or not term.strip():
        raise bad_request("term: required, a non-empty string")
    term = term.strip()
    if len(term) > MAX_TERM or "\n" in term:
        raise bad_request(f"term: at most {MAX_TERM} characters on one line")
    if not isinstance(category, str):
        raise bad_request("category: must be a string")
    entry: dict[str, Any] = {
        "term": term,
        "category": category,
        "by": user.id,
        "ts": service.clock.now(),
    }
    await service.store.put_item(ALLOW_KIND, term, entry)
    reloaded = await apply_to_detector(service.detector, term)
    await audit(
        request, "allowlist_add", target=term, detail=f"category={category} reloaded={reloaded}"
    )
    return json_response({**entry, "reloaded": reloaded}, status=201)


async def apply_to_detector(detector: object, term: str) -> bool:
    """Append the term to the detector's allowlist file and reload it; False when unsupported."""
    path = allowlist_file(detector)
    if path is None or not isinstance(detector, LexiconDetector):
        log.warning("detector has no allowlist file; %r kept in the store only", term)
        return False

    def write() -> bool:
        path.parent.mkdir(parents=True, exist_ok=True)
        existing = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        if term not in (line.strip() for line in existing):
            with path.open("a", encoding="utf-8") as fh:
                fh.write(term + "\n")
        # Reload now rather than at the next file poll; a failed build keeps the old lexicon.
        return detector.reload()

    try:
        return await asyncio.get_running_loop().run_in_executor(None, write)
    except OSError as exc:
        log.error("cannot write allowlist %s: %s", path, exc)
        return False


def register(app: web.Application) -> None:
    app.router.add_get("/api/v1/false-positives", list_false_positives)
    app.router.add_get("/api/v1/allowlist", get_allowlist)
    app.router.add_post("/api/v1/allowlist", add_allowlist)
