"""Supervision as one part of the service: questions, broadcasts, reviews and their notices.

The pipeline hands it every event with its flags (`observe`, sync, cheap) and ticks it
(`tick`): the tick builds the reviews of ended broadcasts, checkpoints live ones, and
returns each room's unanswered-question figures as derived metric signals for the plans
(config/plans/questions_unanswered.yaml).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection
from typing import Any

from prometheus_client import CollectorRegistry

from alerts.clock import Clock
from alerts.model import DERIVED_SOURCE, Signal, SignalKind
from alerts.notify.base import Notification, Reason
from alerts.store.base import AlertStore
from config.schema import Config
from monitor.events import AnyEvent, CommentEvent, SpeechEvent, StreamEvent, StreamStatus
from monitor.supervision.broadcasts import Broadcast
from monitor.supervision.metrics import SupervisionMetrics
from monitor.supervision.questions import Classify, QuestionBook, QuestionError
from monitor.supervision.records import Reviews
from monitor.supervision.review import build_review
from monitor.supervision.summary import review_link, review_summary

log = logging.getLogger(__name__)

CHECKPOINT_EVERY = 60.0  # seconds between checkpoints of a live broadcast
QUESTIONS_OPEN = "questions_open"  # derived metric names the shipped plan reads
QUESTIONS_OLDEST = "questions_oldest_open_seconds"
MAX_ALERTS = 10_000  # alerts of one broadcast read for its review

Submit = Callable[[Notification], Awaitable[bool]]


class Supervision:
    """Track questions and broadcasts; build, keep and announce reviews."""

    def __init__(
        self,
        config: Config,
        store: AlertStore,
        clock: Clock,
        registry: CollectorRegistry,
        classify: Classify,
        submit: Submit | None = None,
    ) -> None:
        self.config = config
        self.settings = config.supervision
        self.clock = clock
        self.store = store
        self.reviews = Reviews(store)
        self._submit = submit
        self._room_ids = [r.id for r in config.rooms]
        self._rooms = {r.id: r for r in config.rooms}
        accounts = {r.id: {a.account: a.person for a in r.reply_accounts} for r in config.rooms}
        self.questions = QuestionBook(self.settings, classify, accounts)
        self.live: dict[str, Broadcast] = {}
        self._ended: list[Broadcast] = []  # waiting for their review to be built
        # Ended by the platform, kept for `rejoin_within` seconds in case it goes live again.
        self._ending: dict[str, tuple[Broadcast, float]] = {}
        self._checkpointed: dict[str, float] = {}
        self._dirty: set[str] = set()
        self.built: list[dict[str, Any]] = []  # reviews built by this instance, newest last
        self._backlog: dict[
            str, tuple[int, float]
        ] = {}  # room -> (open, oldest age) at the last tick
        # Like the alert response times: each room's controllers and reply-account people.
        responders = {
            (room, p.id) for p in config.people.users if p.role == "controller" for room in p.rooms
        }
        for r in config.rooms:
            responders |= {(r.id, a.person or f"account:{a.account}") for a in r.reply_accounts}
        self.metrics = SupervisionMetrics(
            registry,
            self._backlog_values,
            self._oldest_values,
            self._live_values,
            self._room_ids,
            sorted(responders),
            reply_rooms=[r.id for r in config.rooms if r.reply_accounts],
            speech=config.supervision.speech.enabled,
            detail=config.server.metrics_response_detail,
        )
        self.questions.listeners.append(self.metrics.on_question)

    # -- gauges ---------------------------------------------------------------
    # The backlog gauges show each room as of the last tick (every second): a scrape
    # reads the same figures the plans saw, and two scrapes in a row agree.
    def _backlog_values(self) -> list[tuple[tuple[str, ...], float]]:
        return [((r,), float(self._backlog.get(r, (0, 0.0))[0])) for r in self._all_rooms()]

    def _oldest_values(self) -> list[tuple[tuple[str, ...], float]]:
        return [((r,), self._backlog.get(r, (0, 0.0))[1]) for r in self._all_rooms()]

    def _live_values(self) -> list[tuple[tuple[str, ...], float]]:
        return [((r,), 1.0 if r in self.live else 0.0) for r in self._all_rooms()]

    def _all_rooms(self) -> list[str]:
        extra = [r for r in self.questions.rooms() if r not in self._rooms]
        return [*self._room_ids, *extra]

    # -- events ---------------------------------------------------------------
    def observe(self, event: AnyEvent, flags: list[Signal]) -> None:
        """Fold one processed event (and its flags) into questions and the live broadcast."""
        if isinstance(event, StreamEvent):
            if event.status is StreamStatus.LIVE:
                self._stream_live(event.room, event.ts)
            elif event.status in (StreamStatus.ENDED, StreamStatus.CUT):
                self._stream_ended(event.room, event.ts)
            return
        broadcast = self.live.get(event.room)
        account = isinstance(event, CommentEvent) and self.questions.is_account(
            event.room, event.user
        )
        if broadcast is not None:
            # The room's own replies are not viewers' comments or interactions.
            if account:
                broadcast.replies += 1
            else:
                broadcast.observe(event, flags)
            self._dirty.add(event.room)
        if isinstance(event, CommentEvent):
            negative = any(f.kind is SignalKind.NEGATIVE for f in flags)
            self.questions.on_comment(event, negative, account)
        elif isinstance(event, SpeechEvent):
            self.questions.on_speech(event)

    def _stream_live(self, room: str, ts: float) -> None:
        """The platform says live: the broadcast that ended moments ago goes on, or one starts."""
        ending = self._ending.pop(room, None)
        if ending is not None and ts - ending[1] <= self.settings.rejoin_within:
            self.live.setdefault(room, ending[0])
            self._dirty.add(room)
            return
        if ending is not None:
            self._finish(ending[0], ending[1], "platform")
        self.start(room, "platform", ts)

    def _stream_ended(self, room: str, ts: float) -> None:
        """The platform says ended: the broadcast ends unless it is live again soon after
        (a dropped stream the host restarts is the same broadcast)."""
        b = self.live.pop(room, None)
        if b is None:
            return
        if self.settings.rejoin_within <= 0:
            self._finish(b, ts, "platform")
        else:
            self._ending[room] = (b, ts)

    def start(self, room: str, by: str, ts: float) -> tuple[Broadcast, bool]:
        """Start a room's broadcast; returns it and False when one was already live."""
        live = self.live.get(room)
        if live is not None:
            return live, False
        b = Broadcast(
            id=f"{room}-{int(ts)}",
            room=room,
            started_at=ts,
            bucket=self.settings.review.bucket,
            started_by=by,
        )
        self.live[room] = b
        self._dirty.add(room)
        self._checkpointed.pop(room, None)
        return b, True

    def end(self, room: str, by: str, ts: float) -> Broadcast | None:
        """End a room's broadcast now (its review is built on the next tick)."""
        b = self.live.pop(room, None)
        if b is None:
            ending = self._ending.pop(room, None)
            if ending is None:
                return None
            b, ts = ending[0], ending[1]
            by = "platform"
        return self._finish(b, ts, by)

    def _finish(self, b: Broadcast, ts: float, by: str) -> Broadcast:
        b.ended_at = max(ts, b.started_at)
        b.ended_by = by
        self._ended.append(b)
        self._dirty.discard(b.room)
        return b

    def mark(self, room: str, qid: str, answered: bool, by: str) -> dict[str, Any]:
        """Close a question from the console (raises QuestionError with an HTTP status)."""
        if room not in self._rooms and room not in self.questions.rooms():
            raise QuestionError("room: unknown", 404)
        return self.questions.mark(room, qid, answered, by, self.clock.now()).to_dict()

    # -- time -----------------------------------------------------------------
    async def resume(self) -> None:
        """Take up the broadcasts that were live when the service last stopped."""
        for room, b in (await self.reviews.live()).items():
            self.live.setdefault(room, b)

    async def tick(self, now: float, rooms: Collection[str] | None = None) -> list[Signal]:
        """Build due reviews, checkpoint live broadcasts; return the backlog signals."""
        for room, (b, ended) in list(self._ending.items()):
            if now - ended > self.settings.rejoin_within:
                del self._ending[room]
                self._finish(b, ended, "platform")
        await self._build_due(now)
        await self._checkpoint(now)
        signals = []
        for room in self.questions.rooms():
            if rooms is not None and room not in rooms:
                continue
            self.questions.expire(room, now)
            count, oldest = self._backlog[room] = self.questions.backlog(room, now)
            for name, value in ((QUESTIONS_OPEN, float(count)), (QUESTIONS_OLDEST, oldest)):
                signals.append(
                    Signal(
                        room, now, SignalKind.METRIC, name=name, value=value, source=DERIVED_SOURCE
                    )
                )
        return signals

    async def _checkpoint(self, now: float) -> None:
        for room in list(self._dirty):
            b = self.live.get(room)
            if b is None:
                self._dirty.discard(room)
                continue
            last = self._checkpointed.get(room)
            if last is not None and now - last < CHECKPOINT_EVERY:
                continue
            await self.reviews.save_live(b)
            self._checkpointed[room] = now
            self._dirty.discard(room)

    async def _build_due(self, now: float) -> None:
        while self._ended:
            b = self._ended[0]
            try:
                review = await self.build(b, now)
            except Exception:
                self.metrics.review_failures.inc()
                log.exception("review of broadcast %s failed; trying again next tick", b.id)
                return
            self._ended.pop(0)
            self.built = [*self.built[-99:], review]
            self.metrics.broadcasts.labels(b.room).inc()
            await self._announce(review)

    async def build(self, b: Broadcast, now: float) -> dict[str, Any]:
        """Build, store and return the review of an ended broadcast."""
        assert b.ended_at is not None
        self.questions.miss_open(b.room, b.ended_at, now)
        questions = self.questions.asked_between(b.room, b.started_at, b.ended_at)
        alerts = await self.store.list_alerts(rooms=[b.room], since=b.started_at, limit=MAX_ALERTS)
        alerts = [a for a in alerts if a.started_at <= b.ended_at]
        room = self._rooms.get(b.room)
        review = build_review(
            b,
            questions,
            alerts,
            room_name=room.name if room and room.name else b.room,
            answer_within=self.settings.answer_within,
            built_at=now,
        )
        await self.reviews.save(review)
        await self.reviews.drop_live(b.room)
        return review

    async def _announce(self, review: dict[str, Any]) -> None:
        """Tell the room's supervisors' notifiers that a review is ready, with its link."""
        if self._submit is None:
            return
        room = self._rooms.get(review["room"])
        notifiers = [*self.settings.review.notify, *(room.review_notify if room else [])]
        link = review_link(self.settings.review.console_url, review["id"])
        text = review_summary(review, link)
        for nid in dict.fromkeys(notifiers):
            n = Notification(
                key=f"review:{review['id']}:{nid}",
                notifier=nid,
                reason=Reason.REVIEW,
                level=0,
                detail=text,
                created_at=self.clock.now(),
                alert={
                    # No alert id: robots add no "open alert" link; the review's link is in
                    # the text.
                    "id": "",
                    "room": review["room"],
                    "plan_id": "review",
                    "plan_name": "直播复盘",
                    "severity": "info",
                    "state": "resolved",
                    "summary": text,
                    "labels": {
                        "link": link,
                        "room_name": review["room_name"],
                        "review_id": review["id"],
                    },
                    "started_at": review["broadcast"]["started_at"],
                    "resolved_at": review["broadcast"]["ended_at"],
                },
            )
            try:
                await self._submit(n)
            except Exception:
                log.exception("could not queue the review notice for %s", nid)
