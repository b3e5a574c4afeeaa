"""Escalation through fake robots that behave like DingTalk, WeCom and Feishu.

Mentions must really ping, messages must fit and render, a storm must reach every robot
within its limits, and a throttle must pause only the robot that said so.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from alerts.clock import ManualClock
from alerts.model import Alert
from alerts.notify.base import Notification, Reason
from alerts.notify.dispatch import DEAD_LETTERS
from alerts.store.memory import MemoryStore
from tests.alerting.helpers import make_plan
from tests.alerting.receiver import serve
from tests.alerting.rig import pipeline
from tests.alerting.robots import (
    FakeDingTalk,
    FakeFeishu,
    FakeWeCom,
    Member,
    ScaledClock,
    robot_server,
)

CONSOLE = "http://console.example"
PEOPLE: dict[str, Any] = {
    "users": [
        {"id": "zhang", "name": "张伟", "rooms": ["r1"], "mobile": "13800000001",
         "wecom_userid": "zhangwei", "feishu_open_id": "ou_zhang"},
        {"id": "li", "name": "李娜", "rooms": ["r1"], "mobile": "13800000002"},
        {"id": "wang", "name": "王芳", "role": "supervisor", "wecom_userid": "wangfang",
         "feishu_open_id": "ou_wang"},
        {"id": "zhao", "name": "赵强", "rooms": ["r2"], "mobile": "13800000004"},
    ],
    "teams": [{"id": "t1", "supervisors": ["wang"], "members": ["zhang", "li"], "rooms": ["r1"]}],
}  # fmt: skip
MEMBERS = [
    Member("张伟", mobile="13800000001", userid="zhangwei", open_id="ou_zhang"),
    Member("李娜", mobile="13800000002", userid="lina", open_id="ou_li"),
    Member("王芳", mobile="13800000003", userid="wangfang", open_id="ou_wang"),
    Member("赵强", mobile="13800000004", userid="zhaoqiang", open_id="ou_zhao"),
]


def robots_config(ding: str, wc: str, fs: str) -> list[dict[str, Any]]:
    return [
        {"type": "dingtalk", "id": "ding", "url": ding, "secret": "SECd", "console_url": CONSOLE},
        {"type": "wecom", "id": "wc", "url": wc, "console_url": CONSOLE},
        {"type": "feishu", "id": "fs", "url": fs, "secret": "fsec", "console_url": CONSOLE},
    ]


def ladder(**level: Any) -> dict[str, Any]:
    return {
        "ladders": [
            {
                "id": "robots",
                "at_once": ["critical"],
                "levels": [{"notify": ["ding", "wc", "fs"], **level}],
                "repeat": {"max_times": 0},
            }
        ],
        "default_ladder": "robots",
    }


async def test_mentions_ping_the_rooms_controllers_and_the_teams_supervisor() -> None:
    clock = ManualClock()
    async with (
        robot_server(FakeDingTalk(clock, MEMBERS, secret="SECd")) as ding,
        robot_server(FakeWeCom(clock, MEMBERS)) as wc,
        robot_server(FakeFeishu(clock, MEMBERS, secret="fsec")) as fs,
    ):
        plan = make_plan("crit", severity="critical")
        p = pipeline(
            MemoryStore(), clock, [plan], robots_config(ding.url, wc.url, fs.url),
            ladder(mention=["room_controllers", "team_supervisors"]), PEOPLE,
        )  # fmt: skip
        await p.dispatcher.start()
        try:
            alert = await p.fire(plan, "r1")
            assert await p.escalator.check() == 1
            for robot in (ding, wc, fs):
                assert await robot.wait(lambda r: len(r.shown) == 1), robot.refused
        finally:
            await p.dispatcher.close()
    link = f"{CONSOLE}/#alert-{alert.id}"
    # DingTalk pings by mobile: both controllers; the supervisor has no mobile, named instead
    [d] = ding.shown
    assert d.pinged == {"张伟", "李娜"}
    assert "@13800000001" in d.text and "@13800000002" in d.text
    assert "未能@（未配置手机号）: 王芳" in d.text and link in d.text
    # WeCom: 李娜 has only a mobile, so a text message with both mention lists
    [w] = wc.shown
    assert w.pinged == {"张伟", "李娜", "王芳"} and w.body["msgtype"] == "text"
    assert link in w.text
    # Feishu: a card pinging by open_id; 李娜 has none configured
    [f] = fs.shown
    assert f.pinged == {"张伟", "王芳"}
    card = f.body["card"]
    assert card["header"]["template"] == "red"  # critical
    assert "未能@（未配置飞书 open_id/user_id）: 李娜" in f.text
    assert card["elements"][-1]["actions"][0]["url"] == link
    # the warning-plan wording follows the severity
    assert "严重告警立即通知" in d.text
    for robot in (ding, wc, fs):
        assert robot.refused == []
        # every @ in the text is someone who was pinged
        ats = re.findall(r"@(\d{11})|<@([^>]+)>|<at id=([^>]+)></at>", robot.shown[0].text)
        handles = {h for t in ats for h in t if h}
        members = {m.name for m in MEMBERS if {m.mobile, m.userid, m.open_id} & handles}
        assert members <= robot.shown[0].pinged


async def test_a_warning_plan_says_warning_and_a_long_plan_fits_wecom() -> None:
    clock = ManualClock()
    steps = [
        f"第{i}步：核对直播间评论区并记录处理结果，必要时联系主播与运营同步口径" * 4
        for i in range(14)
    ]
    async with robot_server(FakeWeCom(clock, MEMBERS)) as wc:
        plan = make_plan("warn", severity="warning", steps=steps)
        esc = {
            "ladders": [{"id": "w", "at_once": ["warning"], "levels": [{"notify": ["wc"]}]}],
            "default_ladder": "w",
        }
        p = pipeline(
            MemoryStore(), clock, [plan],
            [{"type": "wecom", "id": "wc", "url": wc.url, "console_url": CONSOLE}], esc,
        )  # fmt: skip
        await p.dispatcher.start()
        try:
            alert = await p.fire(plan, "r1")
            await p.escalator.check()
            assert await wc.wait(lambda r: len(r.shown) == 1), wc.refused
        finally:
            await p.dispatcher.close()
    [w] = wc.shown
    assert w.body["msgtype"] == "markdown" and len(w.text.encode()) <= 4096
    assert "内容过长，已截断" in w.text and w.text.endswith(f"({CONSOLE}/#alert-{alert.id})")
    assert "警告立即通知" in w.text and "严重告警立即通知" not in w.text
    assert sum(len(s.encode()) for s in steps) > 4096  # it really had to be cut


async def test_a_storm_in_30_rooms_reaches_every_robot_within_its_limits() -> None:
    """30 rooms fire within 5 s: each robot names every alert within 90 s, none refuses."""
    clock = ScaledClock(rate=15.0)
    people = {
        "users": [
            {"id": f"c{i}", "name": f"场控{i}", "rooms": [f"room{i}"], "mobile": f"1380000{i:04d}",
             "wecom_userid": f"c{i}", "feishu_open_id": f"ou_c{i}"}
            for i in range(30)
        ]
    }  # fmt: skip
    members = [Member(f"场控{i}", f"1380000{i:04d}", f"c{i}", f"ou_c{i}") for i in range(30)]
    async with (
        robot_server(FakeDingTalk(clock, members, secret="SECd")) as ding,
        robot_server(FakeWeCom(clock, members)) as wc,
        robot_server(FakeFeishu(clock, members, secret="fsec")) as fs,
    ):
        plan = make_plan("crit", severity="critical")
        p = pipeline(
            MemoryStore(), clock, [plan], robots_config(ding.url, wc.url, fs.url),
            ladder(mention=["room_controllers"]), people, sleep=clock.sleep,
        )  # fmt: skip
        await p.dispatcher.start()
        try:
            t0 = clock.now()
            alerts: list[Alert] = []
            clock.hold()  # the storm's timing is the test's, not the machine's
            for i in range(30):
                alerts.append(await p.fire(plan, f"room{i}"))
                if i % 3 == 2:
                    await p.escalator.check()
                clock.advance(5 / 30)
                await asyncio.sleep(0.01)  # the robot lanes work meanwhile
            clock.release()
            assert clock.now() - t0 <= 5.01
            ids = {a.id for a in alerts}
            for robot in (ding, wc, fs):
                done = await robot.wait(lambda r: r.named(ids) == ids, limit=100 / clock.rate)
                assert done, (robot.named(ids), robot.refused)
            finished = clock.now() - t0
        finally:
            await p.dispatcher.close()
    assert finished <= 90, finished
    for robot in (ding, wc, fs):
        assert robot.refused == []  # no rate-limit error, no size error
        pinged = set().union(*(s.pinged for s in robot.shown))
        assert pinged == {m.name for m in members}  # every room's controller was pinged
    # DingTalk and WeCom take 20 a minute: most alerts went out in digests
    assert len(ding.shown) <= 20 and len(wc.shown) <= 20
    assert p.metrics.notification_digests.labels("ding")._value.get() >= 1
    assert p.metrics.notification_throttled.labels("ding")._value.get() == 0


async def test_a_throttle_answer_pauses_only_that_robot_and_nothing_is_lost() -> None:
    # DingTalk's 10-minute block in 5 s: WeCom's six notes must be out before it ends, which
    # a loaded machine managed in 1 s (rate 600) only most of the time.
    clock = ScaledClock(rate=120.0)
    # This DingTalk robot is stricter than documented (3 a minute), so it throttles us.
    async with (
        robot_server(FakeDingTalk(clock, MEMBERS, limits=[(3, 60.0)], block=600.0)) as ding,
        robot_server(FakeWeCom(clock, MEMBERS)) as wc,
    ):
        p = pipeline(
            MemoryStore(), clock, [],
            [{"type": "dingtalk", "id": "ding", "url": ding.url, "retry": {"attempts": 1}},
             {"type": "wecom", "id": "wc", "url": wc.url, "retry": {"attempts": 1}}],
            {}, sleep=clock.sleep,
        )  # fmt: skip
        await p.dispatcher.start()
        try:
            t0 = clock.now()
            for i in range(6):
                for nid in ("ding", "wc"):
                    await p.dispatcher.submit(note(nid, f"k{i}", f"alert{i:02d}"))
            assert await wc.wait(lambda r: len(r.shown) == 6, limit=5)
            wecom_done = clock.now() - t0
            ids = {f"alert{i:02d}" for i in range(6)}
            assert await ding.wait(lambda r: r.named(ids) == ids, limit=30)
            ding_done = clock.now() - t0
        finally:
            await p.dispatcher.close()
    assert [code for _, code, _ in ding.refused] == [130101]  # once, then we waited
    assert len(ding.shown) >= 4  # three, then after the block the rest (one by one or merged)
    assert ding_done >= 600 > wecom_done  # WeCom was never held up by DingTalk's pause
    assert await p.store.get_items(DEAD_LETTERS) == {}
    assert p.metrics.notification_throttled.labels("ding")._value.get() == 1
    assert p.metrics.notification_failures.labels("ding")._value.get() == 0


def note(nid: str, key: str, alert_id: str) -> Notification:
    alert = {"id": alert_id, "room": "r1", "plan_id": "p", "plan_name": "测试",
             "severity": "warning", "state": "firing", "summary": "s", "steps": []}  # fmt: skip
    return Notification(f"{key}:{nid}", nid, Reason.ESCALATION, 1, "level 1", 0.0, alert)


async def test_a_429_with_retry_after_pauses_for_the_window_it_announced() -> None:
    clock = ScaledClock(rate=100.0)
    arrivals: list[float] = []

    async def handle(request: Any) -> Any:
        from aiohttp import web

        arrivals.append(clock.now())
        await request.read()
        if len(arrivals) == 1:
            return web.Response(status=429, headers={"Retry-After": "30"})
        return web.Response(status=200)

    async with serve(handle) as base:
        p = pipeline(
            MemoryStore(), clock, [],
            [{"type": "webhook", "id": "hook", "url": base + "/h", "retry": {"attempts": 1}}], {},
            sleep=clock.sleep,
        )  # fmt: skip
        await p.dispatcher.start()
        try:
            await p.dispatcher.submit(note("hook", "k1", "a1"))
            for _ in range(200):
                if len(arrivals) == 2:
                    break
                await asyncio.sleep(0.01)
        finally:
            await p.dispatcher.close()
    assert len(arrivals) == 2 and arrivals[1] - arrivals[0] >= 30  # waited as told
    assert await p.store.get_items(DEAD_LETTERS) == {}  # a throttle is not a failed attempt


async def test_mention_syntax_in_plan_text_pings_nobody() -> None:
    """A plan name or step that looks like a mention is shown, never parsed as one."""
    clock = ManualClock()
    async with (
        robot_server(FakeWeCom(clock, MEMBERS)) as wc,
        robot_server(FakeFeishu(clock, MEMBERS)) as fs,
    ):
        plan = make_plan(
            "crit", severity="critical", name="<at id=all></at>紧急",
            steps=["通知 <@zhangwei> 和 <at id=ou_wang></at>", "@13800000001 处理"],
        )  # fmt: skip
        esc = {
            "ladders": [{"id": "x", "at_once": ["critical"], "levels": [{"notify": ["wc", "fs"]}]}],
            "default_ladder": "x",
        }
        p = pipeline(
            MemoryStore(), clock, [plan],
            [{"type": "wecom", "id": "wc", "url": wc.url},
             {"type": "feishu", "id": "fs", "url": fs.url}], esc,
        )  # fmt: skip
        await p.dispatcher.start()
        try:
            await p.fire(plan, "r1")
            await p.escalator.check()
            assert await wc.wait(lambda r: len(r.shown) == 1)
            assert await fs.wait(lambda r: len(r.shown) == 1)
        finally:
            await p.dispatcher.close()
    assert wc.shown[0].pinged == set() and fs.shown[0].pinged == set()
    head = fs.shown[0].body["card"]["header"]["title"]["content"]
    assert "‹at id=all>‹/at›紧急" in head  # shown as written, defused
    for text in (head, fs.shown[0].text, wc.shown[0].text):
        assert "<at" not in text and "<@" not in text
