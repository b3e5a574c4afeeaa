"""Messages split over several short comments (加 / 我 / 微 / 信), joined per user.

Each user's run of consecutive short comments inside the window is kept; a longer comment
ends the run and is read as its tail (群号在 / 主页第二行). When a comment arrives after short
ones, the run is joined and scanned again for every category, and only hits that reach into
earlier comments are new. A long comment from a user with no run costs one dictionary
look-up.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field

SHORT = 5  # characters in the collapsed view: what one piece of a split message looks like


@dataclass(slots=True)
class _Run:
    ts: float
    parts: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # the comments as typed, for links


class SplitWindow:
    """The current run of short comments of each user."""

    def __init__(self, messages: int = 6, seconds: float = 60.0, max_users: int = 50_000) -> None:
        self._messages = messages
        self._seconds = seconds
        self._max_users = max_users
        self._runs: OrderedDict[str, _Run] = OrderedDict()
        self.runs: Mapping[str, object] = self._runs  # the open runs by user, read-only
        # The comments of the run `add` last returned, joined as typed (a link split over
        # comments, hwq / .ink / 7Pz, loses its marks in the collapsed view).
        self.joined_text = ""

    def add(self, user: str, ts: float, collapsed: str, text: str = "") -> str | None:
        """Record one comment; return the joined run ending with it when it has 2+ pieces."""
        if not collapsed:
            self._runs.pop(user, None)
            return None
        if len(collapsed) > SHORT:
            # A real sentence ends the run; it may be the run's tail (群号在 / 主页第二行).
            ended = self._runs.pop(user, None)
            if ended is None or ts - ended.ts > self._seconds or ts < ended.ts:
                return None
            self.joined_text = "".join(ended.texts) + text
            return "".join(ended.parts) + collapsed
        run = self._runs.get(user)
        if run is None or ts - run.ts > self._seconds or ts < run.ts:
            run = _Run(ts)
            self._runs[user] = run
            if len(self._runs) > self._max_users:
                self._runs.popitem(last=False)  # evict the least recently active user
        else:
            self._runs.move_to_end(user)
        run.ts = ts
        run.parts.append(collapsed)
        run.texts.append(text)
        if len(run.parts) > self._messages:
            del run.parts[0]
            del run.texts[0]
        if len(run.parts) < 2:
            return None
        self.joined_text = "".join(run.texts)
        return "".join(run.parts)

    def __len__(self) -> int:
        return len(self._runs)
