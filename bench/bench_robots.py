"""An alert storm through the robots: how long until every alert is named, in how many messages.

Run from the repo root: .venv/bin/python -m bench.bench_robots [--rooms 30] [--burst 5]
  [--rate 10] [--trials 3]
Each trial fires one critical alert per room within `--burst` seconds; the escalator
queues a first-fire notification per alert for a DingTalk, a WeCom and a Feishu robot
(the fakes of tests/alerting/robots.py: their documented per-minute limits, 10-minute
DingTalk block, size limits). Time runs `--rate` times faster than the wall clock on
both sides, so a minute of robot limits takes 60/rate seconds. It prints, per robot,
the seconds (robot time) from the first alert until a message accepted by the robot
named every alert, the messages it showed, how many were digests and refusals.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
from typing import Any

from alerts.store.memory import MemoryStore
from tests.alerting.helpers import make_plan
from tests.alerting.rig import pipeline
from tests.alerting.robots import (
    FakeDingTalk,
    FakeFeishu,
    FakeWeCom,
    Member,
    ScaledClock,
    robot_server,
)


async def trial(rooms: int, burst: float, rate: float) -> dict[str, tuple[float, int, int, int]]:
    clock = ScaledClock(rate=rate)
    members = [Member(f"c{i}", f"1380000{i:04d}", f"c{i}", f"ou_c{i}") for i in range(rooms)]
    people: dict[str, Any] = {
        "users": [
            {"id": f"c{i}", "rooms": [f"room{i}"], "mobile": f"1380000{i:04d}",
             "wecom_userid": f"c{i}", "feishu_open_id": f"ou_c{i}"}
            for i in range(rooms)
        ]
    }  # fmt: skip
    async with (
        robot_server(FakeDingTalk(clock, members)) as ding,
        robot_server(FakeWeCom(clock, members)) as wc,
        robot_server(FakeFeishu(clock, members)) as fs,
    ):
        notifiers = [
            {"type": "dingtalk", "id": "ding", "url": ding.url},
            {"type": "wecom", "id": "wc", "url": wc.url},
            {"type": "feishu", "id": "fs", "url": fs.url},
        ]
        ladder = {
            "ladders": [
                {
                    "id": "robots",
                    "at_once": ["critical"],
                    "levels": [{"notify": ["ding", "wc", "fs"], "mention": ["room_controllers"]}],
                }
            ],
            "default_ladder": "robots",
        }
        plan = make_plan("crit", severity="critical")
        p = pipeline(MemoryStore(), clock, [plan], notifiers, ladder, people, sleep=clock.sleep)
        await p.dispatcher.start()
        out: dict[str, tuple[float, int, int, int]] = {}
        try:
            t0 = clock.now()
            ids: set[str] = set()
            for i in range(rooms):
                ids.add((await p.fire(plan, f"room{i}")).id)
                await p.escalator.check()
                await clock.sleep(burst / rooms)
            lanes = {"dingtalk": "ding", "wecom": "wc", "feishu": "fs"}
            for name, robot in (("dingtalk", ding), ("wecom", wc), ("feishu", fs)):
                await robot.wait(lambda r: r.named(ids) == ids, limit=700 / rate)
                done = [s.at for s in robot.shown if any(i in s.text for i in ids)]
                named = robot.named(ids) == ids
                took = (max(done) - t0) if named and done else float("inf")
                digests = int(p.metrics.notification_digests.labels(lanes[name])._value.get())
                out[name] = (took, len(robot.shown), digests, len(robot.refused))
        finally:
            await p.dispatcher.close()
    return out


async def main(rooms: int, burst: float, rate: float, trials: int) -> None:
    print(f"storm: {rooms} rooms within {burst:g} s, time x{rate:g}, {trials} trial(s)")
    results = [await trial(rooms, burst, rate) for _ in range(trials)]
    for name in ("dingtalk", "wecom", "feishu"):
        took = [r[name][0] for r in results]
        shown = [r[name][1] for r in results]
        digests = [r[name][2] for r in results]
        refused = [r[name][3] for r in results]
        print(
            f"{name:9s} every alert named after {statistics.median(took):6.1f} s (median; "
            f"max {max(took):.1f})  messages {statistics.median(shown):.0f}"
            f"  digests {statistics.median(digests):.0f}  refusals {max(refused)}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=30)
    parser.add_argument("--burst", type=float, default=5.0)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--trials", type=int, default=3)
    a = parser.parse_args()
    asyncio.run(main(a.rooms, a.burst, a.rate, a.trials))
