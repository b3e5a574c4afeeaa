"""HTTP ingest: `POST /api/v1/ingest`, a JSON array or NDJSON of events per request.

Each `http_ingest` source in the config owns a bearer token (optionally restricted to
some rooms). A batch is parsed event by event: one bad event is rejected on its own
with its index, field and reason; the rest go into the pipeline.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import web

from config.sources import HttpIngestSource
from monitor.events import AnyEvent, EventError, json_type, parse_event
from monitor.httpbody import BodyError, read_limited
from monitor.pipeline import IntakeUnavailable
from monitor.web.app import error_response, json_response

if TYPE_CHECKING:
    from monitor.app import Service

log = logging.getLogger(__name__)

INGEST_PATH = "/api/v1/ingest"
NDJSON_TYPES = frozenset({"application/x-ndjson", "application/jsonl", "application/jsonlines"})
# text/plain too: scripts often post JSON without naming it; the body must still parse.
JSON_TYPES = frozenset({"application/json", "", "application/octet-stream", "text/plain"})
MAX_FIELD_SHOWN = 64  # field names come from the client; never echo a megabyte back
RETRY_AFTER_SECONDS = 1


@dataclass(frozen=True, slots=True)
class Rejection:
    """One event of a batch that was not accepted, and why."""

    index: int
    field: str
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {"index": self.index, "field": self.field[:MAX_FIELD_SHOWN], "reason": self.reason}


class IngestEndpoint:
    """Authenticate, read, parse and enqueue ingest batches for every http_ingest source."""

    def __init__(self, service: Service, sources: list[HttpIngestSource]) -> None:
        self._service = service
        self._sources = sources
        self._all_rooms = frozenset(r.id for r in service.config.rooms)
        self._digests = [(src, hashlib.sha256(src.token.encode()).digest()) for src in sources]

    def register(self, app: web.Application) -> None:
        """Add the ingest route to the web app (a Service.route_plugins entry)."""
        app.router.add_post(INGEST_PATH, self.handle)

    def authenticate(self, header: str) -> HttpIngestSource | None:
        """Return the source whose token the Authorization header carries, if any."""
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        # Digests have one length, so the comparison time reveals neither the token's
        # length nor (as every token is compared) which source matched.
        given = hashlib.sha256(token.strip().encode()).digest()
        found: HttpIngestSource | None = None
        for src, digest in self._digests:
            if hmac.compare_digest(given, digest) and found is None:
                found = src
        return found

    async def handle(self, request: web.Request) -> web.Response:
        source = self.authenticate(request.headers.get("Authorization", ""))
        if source is None:
            resp = error_response(401, "missing or invalid bearer token")
            resp.headers["WWW-Authenticate"] = 'Bearer realm="roomwatch ingest"'
            return resp
        metrics = self._service.metrics
        pipeline = self._service.pipeline
        if not pipeline.accepting:
            return _retry_later("roomwatch is shutting down; send the batch to another instance")
        if (busy := pipeline.refusal()) is not None:
            # Refused before the body is parsed: under overload a refusal must cost little,
            # or answering 503s would take the time the pipeline needs to catch up.
            return _retry_later(f"{busy}; resend the whole batch after Retry-After", accepted=0)
        try:
            items = await self._read_items(request, source)
        except BodyError as exc:
            metrics.events_rejected.labels(source.id, "bad_body").inc()
            return error_response(exc.status, str(exc), **exc.extra)
        return await self.accept(source, items)

    async def accept(
        self, source: HttpIngestSource, items: list[object | Rejection]
    ) -> web.Response:
        """Validate a decoded batch event by event and enqueue what passes."""
        metrics = self._service.metrics
        metrics.source_frames.labels(source.id).inc()
        allowed = frozenset(source.rooms) or self._all_rooms
        rejected: list[Rejection] = []
        events: list[tuple[int, AnyEvent]] = []
        now = self._service.clock.now()
        for index, item in enumerate(items):
            if isinstance(item, Rejection):
                rejected.append(item)
                metrics.events_rejected.labels(source.id, "malformed").inc()
                continue
            try:
                event = parse_event(item, source=source.id, now=now, rooms=self._all_rooms)
            except EventError as exc:
                reason = "unknown_room" if exc.field == "room" and "unknown" in exc.reason else ""
                rejected.append(Rejection(index, exc.field, exc.reason))
                metrics.events_rejected.labels(source.id, reason or "invalid").inc()
                continue
            if event.room not in allowed:
                rejected.append(
                    Rejection(index, "room", f"this token may not write to room {event.room!r}")
                )
                metrics.events_rejected.labels(source.id, "forbidden_room").inc()
                continue
            if event.source != source.id:
                # The source label is the authenticated source, never a client-chosen string.
                event = dataclasses.replace(event, source=source.id)
            events.append((index, event))
        return await self._enqueue(source, events, rejected)

    async def _enqueue(
        self,
        source: HttpIngestSource,
        events: list[tuple[int, AnyEvent]],
        rejected: list[Rejection],
    ) -> web.Response:
        pipeline = self._service.pipeline
        try:
            accepted = await pipeline.commit_many([event for _, event in events])
        except IntakeUnavailable as exc:
            # Redis could not store them: nothing past `written` is accepted, so the
            # client resends those (an event is answered 200 only once it is durable).
            left = [i for i, _ in events[exc.written :]]
            self._service.metrics.events_dropped.labels(source.id).inc(len(left))
            return _retry_later(
                f"{exc}; resend the events listed in not_accepted",
                accepted=exc.written,
                rejected=[r.to_dict() for r in rejected],
                not_accepted=left,
            )
        if accepted < len(events):
            # Keep order: everything from the first refused event on is for the client
            # to resend after Retry-After.
            left = [i for i, _ in events[accepted:]]
            if len(left) > 1:
                self._service.metrics.events_dropped.labels(source.id).inc(len(left) - 1)
            refused = events[accepted][1]
            why = pipeline.refusal(refused.room, count=False) or "the pipeline queue is full"
            return _retry_later(
                f"{why}; resend the events listed in not_accepted",
                accepted=accepted,
                rejected=[r.to_dict() for r in rejected],
                not_accepted=left,
            )
        status = 422 if rejected and not accepted else 200
        return json_response(
            {"accepted": accepted, "rejected": [r.to_dict() for r in rejected]}, status=status
        )

    async def _read_items(
        self, request: web.Request, source: HttpIngestSource
    ) -> list[object | Rejection]:
        timeout = self._service.config.server.body_timeout
        body = await read_limited(request, source.max_body_bytes, within=timeout)
        return decode_items(body, request.content_type.lower(), source.max_events)


def decode_items(body: bytes, ctype: str, max_events: int) -> list[object | Rejection]:
    """Decode a request body of Content-Type `ctype` into its events (or line rejections)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BodyError(
            400, f"the body is not valid UTF-8 (byte {exc.start})", byte=exc.start
        ) from None
    if ctype in NDJSON_TYPES:
        items = parse_ndjson(text)
    elif ctype in JSON_TYPES:
        items = parse_json_array(text)
    else:
        raise BodyError(
            415,
            f"unsupported Content-Type {ctype!r}: use application/json or application/x-ndjson",
        )
    if len(items) > max_events:
        raise BodyError(
            413,
            f"too many events in one batch: {len(items)} > {max_events}",
            max_events=max_events,
        )
    return items


def _json_problem(exc: orjson.JSONDecodeError) -> str:
    if "recursion" in str(exc).lower() or "depth limit" in str(exc).lower():
        return "JSON is nested too deeply"
    return f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"


def parse_json_array(text: str) -> list[object | Rejection]:
    """Decode a JSON array of events; anything else is a 400 for the whole body."""
    if not text.strip():
        raise BodyError(400, "the body is empty: send a JSON array of events")
    try:
        data: Any = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise BodyError(400, _json_problem(exc)) from None
    if not isinstance(data, list):
        raise BodyError(
            400,
            f"the body must be a JSON array of events, got {json_type(data)} "
            "(for one event per line use Content-Type application/x-ndjson)",
        )
    return list(data)


def parse_ndjson(text: str) -> list[object | Rejection]:
    """Decode one JSON event per line; a bad line is rejected alone (blank lines skipped)."""
    items: list[object | Rejection] = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            items.append(orjson.loads(line))
        except orjson.JSONDecodeError as exc:
            problem = _json_problem(exc).replace(" at line 1 ", " at ")
            items.append(Rejection(len(items), "$", f"line {lineno}: {problem}"))
    return items


def _retry_later(message: str, **extra: object) -> web.Response:
    resp = error_response(503, message, **extra)
    resp.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return resp
