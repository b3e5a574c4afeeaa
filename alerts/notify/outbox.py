"""The outbox: the store-kept queue the sender works from, with owners and in-flight marks.

Every notification is an outbox entry before anything tries to send it (the escalator
writes a step's entries in the same atomic store call that claims the step). An entry
names its owner, the instance whose sender queued it. Instances write a heartbeat; an
entry whose owner's heartbeat lapsed (a crash, a restart, a scaled-down instance) is
adopted by one live instance (claimed in the store) and sent from there.

Before a robot message is posted, its entry is marked in flight; the mark is cleared
when the robot refused it (nothing was shown) and the entry removed when it was
accepted. An entry still marked in flight when adopted may have reached the robot, and
robots cannot drop a repeat, so it is not posted again: it becomes a dead letter
("uncertain") for a person to check and replay.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from alerts.clock import Clock
from alerts.notify.base import Notification
from alerts.store.base import AlertStore

OUTBOX = "notify_outbox"
INSTANCES = "notify_instances"
ADOPT_TTL = 86_400.0
FORGET_AFTER = 86_400.0  # heartbeats of instances gone this long are removed


def new_instance_id() -> str:
    return uuid.uuid4().hex[:12]


@dataclass
class Sweep:
    """What one look at the outbox found for this instance to do."""

    send: list[Notification] = field(default_factory=list)
    uncertain: list[Notification] = field(default_factory=list)


class Outbox:
    """Read and write outbox entries on behalf of one instance's sender."""

    def __init__(self, store: AlertStore, clock: Clock, instance: str, lease: float) -> None:
        self.store = store
        self.clock = clock
        self.instance = instance
        self.lease = lease  # a heartbeat older than this: the instance is gone

    def entry(self, n: Notification, *, inflight: float | None = None) -> dict[str, Any]:
        """Return the stored form of a notification queued by this instance."""
        d = n.to_dict()
        d["owner"] = self.instance
        if inflight is not None:
            d["inflight"] = inflight
        return d

    async def put(self, n: Notification) -> None:
        await self.store.put_item(OUTBOX, n.key, self.entry(n))

    async def mark_inflight(self, ns: Iterable[Notification]) -> None:
        now = self.clock.now()
        for n in ns:
            await self.store.put_item(OUTBOX, n.key, self.entry(n, inflight=now))

    async def clear_inflight(self, ns: Iterable[Notification]) -> None:
        for n in ns:
            await self.store.put_item(OUTBOX, n.key, self.entry(n))

    async def remove(self, keys: Iterable[str]) -> None:
        for key in keys:
            await self.store.delete_item(OUTBOX, key)

    async def heartbeat(self) -> None:
        await self.store.put_item(
            INSTANCES, self.instance, {"seen": self.clock.now(), "lease": self.lease}
        )

    async def leave(self) -> None:
        """Say this instance is gone, so another adopts its entries at once."""
        await self.store.delete_item(INSTANCES, self.instance)

    async def sweep(self, known: set[str], at_most_once: dict[str, bool]) -> Sweep:
        """Find entries to send here: this instance's that its queues lost, and orphans.

        `known` holds the keys queued or being sent here; `at_most_once` tells, per
        notifier this instance has, whether a possibly-delivered message must not go again.
        """
        now = self.clock.now()
        instances = await self.store.get_items(INSTANCES)
        for iid, beat in instances.items():
            if iid != self.instance and now - float(beat.get("seen", 0.0)) > FORGET_AFTER:
                await self.store.delete_item(INSTANCES, iid)
        out = Sweep()
        entries = await self.store.get_items(OUTBOX)
        for key, raw in sorted(entries.items(), key=lambda kv: _order(kv[1])):
            try:
                n = Notification.from_dict(raw)
            except (KeyError, TypeError, ValueError):
                continue  # not ours to read (a newer version's entry)
            if n.notifier not in at_most_once or key in known:
                continue
            owner = str(raw.get("owner", ""))
            if owner != self.instance:
                if _alive(instances.get(owner), now):
                    continue
                if not await self.store.claim(f"adopt:{key}:{owner}", ADOPT_TTL):
                    continue  # another instance adopted it
            if raw.get("inflight") is not None and at_most_once[n.notifier]:
                out.uncertain.append(n)
                continue
            if owner != self.instance:
                await self.put(n)
            out.send.append(n)
        return out


def _order(raw: dict[str, Any]) -> tuple[float, str]:
    return float(raw.get("created_at", 0.0)), str(raw.get("key", ""))


def _alive(beat: dict[str, Any] | None, now: float) -> bool:
    if beat is None:
        return False
    return now - float(beat.get("seen", 0.0)) <= float(beat.get("lease", 0.0))
