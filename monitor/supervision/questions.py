"""Viewer questions per room: asked, answered (by a reply, a person, or the host's speech).

The book keeps each room's open questions oldest first and the recently closed ones for
the broadcast review. A question closes when a room account's comment replies to it, when
a person marks it answered or "not a question" in the console, when the host's speech
addresses it (optional heuristic), or as missed when its broadcast ends unanswered.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Protocol

from config.supervision import SupervisionConfig
from monitor.events import CommentEvent, SpeechEvent
from monitor.supervision import matching

CLOSED_KEPT = 20_000  # closed questions kept per room for reviews (a long broadcast's worth)


class Verdict(Protocol):
    """What the question classifier says about a comment (monitor.detect.questions)."""

    @property
    def topic(self) -> str: ...

    @property
    def score(self) -> float: ...


Classify = Callable[[str], Verdict | None]


class QuestionState(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    NOT_QUESTION = "not_question"
    MISSED = "missed"  # its broadcast ended (or the book overflowed) with no answer


class Via(StrEnum):
    REPLY = "reply"  # a room account's comment
    CONSOLE = "console"  # a person marked it answered
    SPEECH = "speech"  # the host's speech addressed it


class QuestionError(Exception):
    """A console action on a question cannot be done; `status` is the HTTP status."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class Question:
    """One viewer question and how it was answered."""

    id: str
    room: str
    ts: float
    text: str
    topic: str
    score: float
    user: str = ""
    nickname: str = ""
    state: QuestionState = QuestionState.OPEN
    closed_at: float | None = None
    closed_by: str = ""  # person id, "account:<id>" or "speech"
    via: Via | None = None
    answer: str = ""  # the reply's or the speech's text (first 200 characters)

    @property
    def answer_seconds(self) -> float | None:
        if self.state is not QuestionState.ANSWERED or self.closed_at is None:
            return None
        return max(0.0, self.closed_at - self.ts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "room": self.room,
            "ts": self.ts,
            "text": self.text,
            "topic": self.topic,
            "score": self.score,
            "user": self.user,
            "nickname": self.nickname,
            "state": self.state.value,
            "closed_at": self.closed_at,
            "closed_by": self.closed_by,
            "via": self.via.value if self.via else None,
            "answer": self.answer,
            "answer_seconds": self.answer_seconds,
        }


@dataclass(slots=True)
class _Room:
    open: OrderedDict[str, Question] = field(default_factory=OrderedDict)
    content: dict[str, matching.Content] = field(default_factory=dict)
    closed: deque[Question] = field(default_factory=lambda: deque(maxlen=CLOSED_KEPT))


Listener = Callable[[Question], None]


class QuestionBook:
    """Every room's open questions, and who answered the closed ones and how fast."""

    def __init__(
        self,
        config: SupervisionConfig,
        classify: Classify,
        accounts: dict[str, dict[str, str]],
    ) -> None:
        """`accounts`: room -> {platform account id: person id or ""} of the room's own accounts."""
        self.config = config
        self._classify = classify
        self._accounts = accounts
        self._rooms: dict[str, _Room] = {}
        self.listeners: list[Listener] = []  # told of every question asked or closed

    def rooms(self) -> list[str]:
        return list(self._rooms)

    def _room(self, room: str) -> _Room:
        r = self._rooms.get(room)
        if r is None:
            r = self._rooms[room] = _Room()
        return r

    def is_account(self, room: str, user: str) -> bool:
        return bool(user) and user in self._accounts.get(room, {})

    def on_comment(
        self, event: CommentEvent, negative: bool = False, account: bool | None = None
    ) -> list[Question]:
        """Take a comment: a room account's reply closes questions, a viewer's may ask one.

        Returns the questions asked or answered by it. A comment flagged negative is a
        complaint, handled as such, never a question to answer. `account`: whether the
        author is one of the room's accounts, when the caller knows already.
        """
        if account is None:
            account = self.is_account(event.room, event.user)
        if account:
            return self._reply(event)
        if negative or not self.config.questions:
            return []
        verdict = self._classify(event.text)
        if verdict is None:
            return []
        q = Question(
            id=event.id,
            room=event.room,
            ts=event.ts,
            text=event.text[:500],
            topic=verdict.topic,
            score=float(verdict.score),
            user=event.user,
            nickname=event.nickname,
        )
        r = self._room(event.room)
        if q.id in r.open:
            return []  # a redelivered comment
        r.open[q.id] = q
        r.content[q.id] = matching.content(q.text)
        self._tell(q)
        while len(r.open) > self.config.open_limit:
            oldest = next(iter(r.open.values()))
            self._close(r, oldest, QuestionState.MISSED, event.ts, "", None, "")
        return [q]

    def _reply(self, event: CommentEvent) -> list[Question]:
        r = self._rooms.get(event.room)
        if r is None or not r.open:
            return []
        person = self._accounts[event.room].get(event.user, "")
        by = person or f"account:{event.user}"
        oldest_ok = event.ts - self.config.reply_window
        named = set(matching.mentions(event.text))
        reply = matching.content(event.text)
        hits: list[Question] = []
        for q in list(r.open.values()):
            if q.ts < oldest_ok or q.ts > event.ts:
                continue
            if named:
                hit = q.nickname in named or q.user in named
            else:
                hit = matching.addresses(r.content[q.id], q.topic, event.text, reply)
            if hit:
                hits.append(
                    self._close(r, q, QuestionState.ANSWERED, event.ts, by, Via.REPLY, event.text)
                )
        return hits

    def on_speech(self, event: SpeechEvent) -> list[Question]:
        """Close the questions the host's speech addresses (when the heuristic is on)."""
        speech = self.config.speech
        r = self._rooms.get(event.room)
        if not speech.enabled or r is None or not r.open:
            return []
        said = matching.content(event.text)
        hits = []
        for q in list(r.open.values()):
            if not q.ts <= event.ts <= q.ts + speech.window:
                continue
            if matching.addresses(r.content[q.id], q.topic, event.text, said, strict=True):
                closed = self._close(
                    r, q, QuestionState.ANSWERED, event.ts, "speech", Via.SPEECH, event.text
                )
                hits.append(closed)
        return hits

    def mark(self, room: str, qid: str, answered: bool, by: str, now: float) -> Question:
        """Close an open question from the console: answered, or not a question at all."""
        r = self._rooms.get(room)
        q = r.open.get(qid) if r is not None else None
        if q is None:
            closed = self.find(room, qid)
            if closed is None:
                raise QuestionError("question: not found", 404)
            raise QuestionError(f"question: already {closed.state.value}")
        assert r is not None
        state = QuestionState.ANSWERED if answered else QuestionState.NOT_QUESTION
        return self._close(r, q, state, now, by, Via.CONSOLE if answered else None, "")

    def miss_open(self, room: str, until: float, now: float) -> list[Question]:
        """Close as missed the open questions asked up to `until` (their broadcast ended)."""
        r = self._rooms.get(room)
        if r is None:
            return []
        due = [q for q in r.open.values() if q.ts <= until]
        return [self._close(r, q, QuestionState.MISSED, now, "", None, "") for q in due]

    def expire(self, room: str, now: float) -> list[Question]:
        """Close as missed the open questions older than `expire_after` (nobody answers
        them any more; without this a room with no broadcasts would carry them forever)."""
        r = self._rooms.get(room)
        if r is None or not r.open:
            return []
        limit = now - self.config.expire_after
        due = [q for q in r.open.values() if q.ts < limit]
        return [self._close(r, q, QuestionState.MISSED, now, "", None, "") for q in due]

    def _close(
        self,
        r: _Room,
        q: Question,
        state: QuestionState,
        now: float,
        by: str,
        via: Via | None,
        answer: str,
    ) -> Question:
        del r.open[q.id]
        r.content.pop(q.id, None)
        done = replace(
            q, state=state, closed_at=max(now, q.ts), closed_by=by, via=via, answer=answer[:200]
        )
        r.closed.append(done)
        self._tell(done)
        return done

    def _tell(self, q: Question) -> None:
        for listener in self.listeners:
            listener(q)

    def open_questions(self, room: str) -> list[Question]:
        """Return a room's open questions, oldest first."""
        r = self._rooms.get(room)
        return list(r.open.values()) if r is not None else []

    def backlog(self, room: str, now: float) -> tuple[int, float]:
        """Return how many questions are open and how long the oldest has waited."""
        r = self._rooms.get(room)
        if r is None or not r.open:
            return 0, 0.0
        oldest = next(iter(r.open.values()))
        return len(r.open), max(0.0, now - oldest.ts)

    def find(self, room: str, qid: str) -> Question | None:
        r = self._rooms.get(room)
        if r is None:
            return None
        if qid in r.open:
            return r.open[qid]
        return next((q for q in reversed(r.closed) if q.id == qid), None)

    def asked_between(self, room: str, since: float, until: float) -> list[Question]:
        """Return the questions asked in [since, until], open or closed, oldest first."""
        r = self._rooms.get(room)
        if r is None:
            return []
        found: Iterable[Question] = [*r.closed, *r.open.values()]
        return sorted((q for q in found if since <= q.ts <= until), key=lambda q: (q.ts, q.id))
