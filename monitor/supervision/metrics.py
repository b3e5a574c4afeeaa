"""Prometheus metrics of questions and broadcasts (docs/metrics.md lists them)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram

from alerts.metrics import RESPONSE_BUCKETS, ResponseDetail
from monitor.metrics import CallbackGauges, LabelCache, LabelledValues
from monitor.supervision.questions import Question, QuestionState


class SupervisionMetrics:
    """Questions asked, answered and waiting; broadcasts live and reviewed."""

    def __init__(
        self,
        registry: CollectorRegistry,
        backlog: Callable[[], LabelledValues],
        oldest: Callable[[], LabelledValues],
        live: Callable[[], LabelledValues],
        rooms: Iterable[str] = (),
        responders: Iterable[tuple[str, str]] = (),
        *,
        reply_rooms: Iterable[str] = (),
        speech: bool = False,
        detail: ResponseDetail = "bounded",
    ) -> None:
        """`responders`: (room, responder) pairs whose answer-time series start at zero;
        `reply_rooms`: the rooms with reply accounts; `speech`: speech answers are on.
        Answer times are by responder, and with the `full` detail by room and responder."""
        self._by_room = detail == "full"
        self.asked = Counter(
            "roomwatch_questions_total",
            "Viewer questions detected, by room and topic.",
            ["room", "topic"],
            registry=registry,
        )
        self.answered = Counter(
            "roomwatch_questions_answered_total",
            "Viewer questions answered, by room and how (reply, console, speech).",
            ["room", "via"],
            registry=registry,
        )
        self.closed_unanswered = Counter(
            "roomwatch_questions_unanswered_total",
            "Viewer questions closed without an answer: missed, or marked not a question.",
            ["room", "state"],
            registry=registry,
        )
        self.answer_seconds = Histogram(
            "roomwatch_question_answer_seconds",
            "Seconds from a viewer question to its answer, by responder.",
            ["room", "responder"] if self._by_room else ["responder"],
            buckets=RESPONSE_BUCKETS,
            registry=registry,
        )
        self.broadcasts = Counter(
            "roomwatch_broadcasts_total",
            "Broadcasts ended (and reviewed), by room.",
            ["room"],
            registry=registry,
        )
        self.review_failures = Counter(
            "roomwatch_review_failures_total",
            "Reviews that could not be built or stored (retried on the next tick).",
            registry=registry,
        )
        registry.register(
            CallbackGauges(
                "roomwatch_questions_open",
                "Viewer questions waiting for an answer, by room.",
                ["room"],
                backlog,
            )
        )
        registry.register(
            CallbackGauges(
                "roomwatch_questions_oldest_open_seconds",
                "Seconds the oldest unanswered viewer question has waited, by room.",
                ["room"],
                oldest,
            )
        )
        registry.register(
            CallbackGauges(
                "roomwatch_broadcast_live",
                "1 while a room's broadcast runs, 0 otherwise.",
                ["room"],
                live,
            )
        )
        # Children looked up without labels()' checks and lock (one per question).
        self._asked = LabelCache(self.asked)
        self._answered = LabelCache(self.answered)
        # Series that exist before the first answer let rate() and increase() see it; only
        # the ways a room can be answered (reply needs a reply account, speech the option).
        for room, responder in responders:
            self._answer_child(room, responder)
        reply = set(reply_rooms)
        for room in rooms:
            self.broadcasts.labels(room)
            self.answered.labels(room, "console")
            if room in reply:
                self.answered.labels(room, "reply")
            if speech:
                self.answered.labels(room, "speech")

    def _answer_child(self, room: str, responder: str) -> Histogram:
        if self._by_room:
            return self.answer_seconds.labels(room, responder)
        return self.answer_seconds.labels(responder)

    def on_question(self, q: Question) -> None:
        """Count a question asked or closed."""
        if q.state is QuestionState.OPEN:
            self._asked[(q.room, q.topic)].inc()
        elif q.state is QuestionState.ANSWERED:
            self._answered[(q.room, q.via.value if q.via else "console")].inc()
            if q.answer_seconds is not None:
                self._answer_child(q.room, q.closed_by or "unknown").observe(q.answer_seconds)
        else:
            self.closed_unanswered.labels(q.room, q.state.value).inc()
