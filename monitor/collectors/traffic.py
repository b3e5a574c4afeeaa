"""A seeded script of live-room traffic: the same seed gives the same events, step by step.

Each room has its viewers, likes and sales; every `incident_every` seconds the next room
in turn gets the next incident (sensitive burst, negative wave, viewer crash, comment
storm, stream drop, collector outage). The script knows no clock: it counts seconds
from `origin`.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from monitor.collectors import phrases
from monitor.events import (
    AnyEvent,
    CommentEvent,
    FollowEvent,
    GiftEvent,
    LikeEvent,
    MemberEvent,
    MetricEvent,
    SpeechEvent,
    StreamEvent,
    StreamStatus,
    new_event_id,
)

TICK = 0.25
INCIDENTS = ("sensitive", "negative", "viewer_crash", "storm", "stream_down", "outage")
DURATION = {"sensitive": 20.0, "negative": 30.0, "viewer_crash": 20.0, "storm": 20.0}
DURATION.update(stream_down=20.0, outage=40.0)  # an outage outlasts the 30 s absence plan
RATE_FACTOR = {"negative": 3.0, "storm": 15.0, "stream_down": 0.0}
CRASH_PER_TICK = 0.974  # about -65% over the first 10 s of a crash
SPAMMERS = ("spam_a01", "spam_b02", "spam_c03")  # a few accounts keep posting (repeat offenders)
AD_LAW_SHARE = 0.08


@dataclass(slots=True)
class RoomState:
    """What the script remembers about one room."""

    baseline: float
    viewers: float
    likes_total: int
    gmv: float
    phase: float
    next_speech: float
    incident: str | None = None
    until: float = 0.0


class TrafficScript:
    """Generate the events of every room, TICK seconds at a time."""

    def __init__(
        self,
        *,
        rooms: list[str],
        rate: float,
        incident_every: float,
        seed: int | None,
        origin: float,
        source: str = "simulator",
        first_incident: float = 5.0,
    ) -> None:
        self.rooms = rooms
        self.rate = rate
        self.incident_every = incident_every
        self.origin = origin
        self.source = source
        self.t = 0.0
        self._rng = random.Random(seed)
        self._next_incident = min(first_incident, incident_every)
        self._turn = 0
        self._state = {room: self._new_room() for room in rooms}

    def _new_room(self) -> RoomState:
        rng = self._rng
        base = float(rng.randint(900, 3000))
        return RoomState(
            baseline=base,
            viewers=base,
            likes_total=rng.randint(1_000, 50_000),
            gmv=float(rng.randint(1_000, 80_000)),
            phase=rng.uniform(0, 2 * math.pi),
            next_speech=rng.uniform(1, 6),
        )

    def incident_of(self, room: str) -> str | None:
        """Return the incident running in a room now, if any."""
        return self._state[room].incident

    def step(self) -> list[AnyEvent]:
        """Advance TICK seconds and return the events of that slice, in time order."""
        self.t += TICK
        out: list[AnyEvent] = []
        if self.t >= self._next_incident and self.rooms:
            # Shift the rooms by one each cycle so every room meets every incident.
            cycle = self._turn // len(INCIDENTS)
            room = self.rooms[(self._turn + cycle) % len(self.rooms)]
            kind = INCIDENTS[self._turn % len(INCIDENTS)]
            self._turn += 1
            self._next_incident = self.t + self.incident_every
            self._start(room, kind, out)
        for room in self.rooms:
            self._room_step(room, out)
        return out

    def _ts(self) -> float:
        return self.origin + self.t

    def _start(self, room: str, kind: str, out: list[AnyEvent]) -> None:
        state = self._state[room]
        if state.incident in ("stream_down", "outage"):
            return  # never stack an incident on a dead stream or a dead collector
        state.incident, state.until = kind, self.t + DURATION[kind]
        if kind == "stream_down":
            out.append(self._stream(room, StreamStatus.PAUSED, "推流中断"))

    def _room_step(self, room: str, out: list[AnyEvent]) -> None:
        state, rng = self._state[room], self._rng
        if state.incident and self.t >= state.until:
            if state.incident == "stream_down":
                out.append(self._stream(room, StreamStatus.LIVE, "推流恢复"))
            state.incident = None
        incident = state.incident
        self._move_viewers(state, incident)
        if incident == "outage":
            return  # the platform connection is down: nothing arrives from this room
        live = incident != "stream_down"
        wobble = 1.0 + 0.3 * math.sin(self.t / 40.0 + state.phase)
        expected = self.rate * wobble * RATE_FACTOR.get(incident or "", 1.0) * TICK
        for _ in range(_draw(expected, rng)):
            out.append(self._comment(room, incident))
        if live:
            self._activity(room, state, out)
        if live and self.t >= state.next_speech:
            state.next_speech = self.t + rng.uniform(6, 12)
            pool = phrases.HOST_AD_LAW if rng.random() < AD_LAW_SHARE else phrases.HOST
            text = phrases.fill(rng.choice(pool), rng)
            out.append(
                SpeechEvent(
                    room=room, ts=self._ts(), id=new_event_id(), source=self.source, text=text
                )
            )
        if _every(self.t, 2.0):
            out.append(self._metric(room, "online_viewers", round(state.viewers)))
        if _every(self.t, 5.0):
            out.append(self._metric(room, "likes_total", float(state.likes_total)))
            out.append(self._metric(room, "gmv", round(state.gmv, 2)))

    def _move_viewers(self, state: RoomState, incident: str | None) -> None:
        rng = self._rng
        if incident == "viewer_crash":
            state.viewers = max(30.0, state.viewers * CRASH_PER_TICK)
        elif incident == "stream_down":
            state.viewers = max(30.0, state.viewers * 0.995)
        else:
            state.viewers += (state.baseline - state.viewers) * 0.02 + rng.uniform(-8, 8)

    def _comment(self, room: str, incident: str | None) -> CommentEvent:
        rng = self._rng
        roll = rng.random()
        user = f"u{rng.randint(1, 50_000)}"
        if incident == "sensitive" and roll < 0.35:
            user = rng.choice(SPAMMERS) if rng.random() < 0.5 else user
            text = rng.choice(phrases.SENSITIVE)
        elif incident == "negative" and roll < 0.8:
            text = rng.choice(phrases.NEGATIVE)
        elif incident == "storm" and roll < 0.7:
            text = rng.choice(
                ("扣1", "666", "主播看我", "冲冲冲", "[赞][赞][赞]")
            )  # 水军 copy-paste
        elif roll < 0.002:
            text = rng.choice(phrases.SENSITIVE)
        elif roll < 0.007:
            text = rng.choice(phrases.NEGATIVE)
        else:
            pool = rng.choices(
                (phrases.CHATTER, phrases.QUESTIONS, phrases.ORDERS), weights=(55, 30, 15)
            )[0]
            text = phrases.fill(rng.choice(pool), rng)
        return CommentEvent(
            room=room,
            ts=self._ts(),
            id=new_event_id(),
            source=self.source,
            text=text,
            user=user,
            nickname=_nick(user),
        )

    def _activity(self, room: str, state: RoomState, out: list[AnyEvent]) -> None:
        rng, ts, src = self._rng, self._ts(), self.source
        scale = state.viewers / 1500.0
        for _ in range(_draw(0.5 * scale * TICK, rng)):
            user = f"u{rng.randint(1, 50_000)}"
            out.append(
                MemberEvent(
                    room=room, ts=ts, id=new_event_id(), source=src, user=user, nickname=_nick(user)
                )
            )
        if rng.random() < 1.0 * TICK:
            count = rng.randint(5, 60)
            state.likes_total += count
            out.append(
                LikeEvent(
                    room=room,
                    ts=ts,
                    id=new_event_id(),
                    source=src,
                    count=count,
                    total=state.likes_total,
                )
            )
        if rng.random() < 0.1 * TICK:
            gift, price = rng.choice(phrases.GIFTS)
            count = rng.choice((1, 1, 1, 3, 10))
            user = f"u{rng.randint(1, 50_000)}"
            out.append(
                GiftEvent(
                    room=room,
                    ts=ts,
                    id=new_event_id(),
                    source=src,
                    gift=gift,
                    count=count,
                    value=round(price * count, 2),
                    user=user,
                    nickname=_nick(user),
                )
            )
        if rng.random() < 0.05 * TICK:
            user = f"u{rng.randint(1, 50_000)}"
            out.append(
                FollowEvent(
                    room=room, ts=ts, id=new_event_id(), source=src, user=user, nickname=_nick(user)
                )
            )
        if rng.random() < 0.3 * scale * TICK:
            state.gmv += rng.choice((59.0, 89.0, 129.0, 199.0, 299.0))

    def _metric(self, room: str, name: str, value: float) -> MetricEvent:
        return MetricEvent(
            room=room,
            ts=self._ts(),
            id=new_event_id(),
            source=self.source,
            name=name,
            value=float(value),
        )

    def _stream(self, room: str, status: StreamStatus, reason: str) -> StreamEvent:
        return StreamEvent(
            room=room,
            ts=self._ts(),
            id=new_event_id(),
            source=self.source,
            status=status,
            reason=reason,
        )


def _draw(expected: float, rng: random.Random) -> int:
    """Return a whole count whose mean is `expected`."""
    whole = int(expected)
    return whole + (1 if rng.random() < expected - whole else 0)


def _every(t: float, period: float) -> bool:
    """True on the tick where `t` crosses a multiple of `period`."""
    return math.floor(t / period) != math.floor((t - TICK) / period)


def _nick(user: str) -> str:
    n = sum(map(ord, user))
    return f"{phrases.NICK_HEADS[n % 7]}{phrases.NICK_TAILS[n % 9]}{n % 997}"
