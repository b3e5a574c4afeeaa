"""Questions, broadcasts, reviews and the evaluation over HTTP, with access from both teams."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import time
from collections.abc import AsyncIterator

import orjson
import pytest

from monitor.events import parse_event
from tests.alerting.receiver import Capture, capture_server
from tests.console.conftest import Running, start

CONFIG = """
server: { metrics_public: true }
rooms:
  - id: r1
    name: 一号直播间
    reply_accounts: [{ account: shop-1, person: ctl-a }]
    review_notify: [boss-robot]
  - { id: r2, name: 二号直播间 }
people:
  allow_plain_secrets: true
  users:
    - { id: ctl-a, name: 小王, role: controller, password: pw-ctl-a, rooms: [r1] }
    - { id: ctl-b, name: 小张, role: controller, password: pw-ctl-b, rooms: [r2] }
    - { id: sup-a, name: 王主管, role: supervisor, password: pw-sup-a }
    - { id: boss, role: admin, password: pw-boss }
  teams:
    - { id: team-a, supervisors: [sup-a], members: [ctl-a] }
    - { id: team-b, members: [ctl-b] }
notifiers:
  - { id: boss-robot, type: dingtalk, url: "ROBOT_URL", retry: { attempts: 1 } }
supervision:
  review: { console_url: "https://roomwatch.example.com" }
plans: { items: [] }
"""


@pytest.fixture
async def robot() -> AsyncIterator[Capture]:
    async with capture_server("/robot/send") as cap:
        yield cap


@pytest.fixture
async def run(robot: Capture) -> AsyncIterator[Running]:
    running, stop, task = await start(CONFIG.replace("ROBOT_URL", robot.url))
    try:
        yield running
    finally:
        stop.set()
        await task


async def say(run: Running, text: str, user: str, nickname: str = "", room: str = "r1") -> str:
    event = parse_event(
        {
            "kind": "comment",
            "room": room,
            "text": text,
            "user": user,
            "nickname": nickname,
            "ts": run.clock.now(),
        }
    )
    await run.service.emit(event)
    await run.service.pipeline.drain(5.0)
    return event.id


async def test_questions_are_listed_oldest_first_and_marked_from_the_console(run: Running) -> None:
    a = await run.session("ctl-a")
    b = await run.session("ctl-b")
    try:
        first = await say(run, "这件多少钱？", "v1", "观众1")
        run.clock.advance(5)
        second = await say(run, "165穿什么码", "v2", "观众2")
        await say(run, "主播好漂亮", "v3")  # chatter: not a question
        async with a.get(f"{run.base}/api/v1/rooms/r1/questions") as r:
            body = await r.json()
        assert r.status == 200
        assert [q["id"] for q in body["questions"]] == [first, second]
        assert body["open"] == 2 and body["questions"][0]["topic"] == "price"
        # The other team sees neither the list nor can act on it.
        async with b.get(f"{run.base}/api/v1/rooms/r1/questions") as r:
            assert r.status == 403
        async with b.post(f"{run.base}/api/v1/rooms/r1/questions/{first}/answered") as r:
            assert r.status == 403
        run.clock.advance(25)
        async with a.post(f"{run.base}/api/v1/rooms/r1/questions/{first}/answered") as r:
            done = await r.json()
        assert r.status == 200 and done["state"] == "answered" and done["closed_by"] == "ctl-a"
        assert done["answer_seconds"] == pytest.approx(30.0)
        async with a.post(f"{run.base}/api/v1/rooms/r1/questions/{first}/answered") as r:
            assert r.status == 409 and "already answered" in (await r.json())["error"]
        async with a.post(f"{run.base}/api/v1/rooms/r1/questions/nope/answered") as r:
            assert r.status == 404
        async with a.post(f"{run.base}/api/v1/rooms/r1/questions/{second}/deleted") as r:
            assert r.status == 404 and "answered or not_question" in (await r.json())["error"]
        async with a.get(f"{run.base}/api/v1/rooms/zz/questions") as r:
            assert r.status == 404
        async with a.post(f"{run.base}/api/v1/rooms/r1/questions/{second}/not_question") as r:
            assert (await r.json())["state"] == "not_question"
        # Timed like the other actions: the answer histogram has the responder's sample.
        async with a.get(f"{run.base}/metrics") as r:
            text = await r.text()
        assert 'roomwatch_question_answer_seconds_count{responder="ctl-a"} 1.0' in text
        assert 'roomwatch_questions_unanswered_total{room="r1",state="not_question"} 1.0' in text
        async with a.get(f"{run.base}/api/v1/audit") as r:
            pass  # the audit log is for admins; the action is recorded (checked below)
        records = await run.service.store.read_records("audit")
        assert any(rec.get("action") == "question_answered" for rec in records)
    finally:
        await a.close()
        await b.close()


async def test_a_reply_of_the_rooms_account_answers_the_question_it_mentions(run: Running) -> None:
    first = await say(run, "几天能到？", "v1", "观众1")
    other = await say(run, "还有货吗", "v2", "观众2")
    run.clock.advance(12)
    await say(run, "@观众1 48小时内发货", "shop-1", "官方")
    book = run.service.supervision.questions
    assert [q.id for q in book.open_questions("r1")] == [other]
    answered = book.find("r1", first)
    assert answered is not None and answered.via is not None and answered.via.value == "reply"
    assert answered.closed_by == "ctl-a" and answered.answer_seconds == pytest.approx(12.0)


async def test_broadcast_by_hand_review_notice_download_and_evaluation(
    run: Running, robot: Capture
) -> None:
    a = await run.session("ctl-a")
    b = await run.session("ctl-b")
    sup = await run.session("sup-a")
    try:
        async with b.post(f"{run.base}/api/v1/rooms/r1/broadcast/start") as r:
            assert r.status == 403
        async with a.post(f"{run.base}/api/v1/rooms/r1/broadcast/start") as r:
            started = await r.json()
        assert r.status == 200 and started["started_by"] == "ctl-a"
        async with a.post(f"{run.base}/api/v1/rooms/r1/broadcast/start") as r:
            assert r.status == 409
        async with a.post(f"{run.base}/api/v1/rooms/r1/broadcast/pause") as r:
            assert r.status == 404
        qid = await say(run, "有没有优惠券", "v1", "观众1")
        await say(run, "<script>alert(1)</script> 多少钱？", "v9", "</script>")
        run.clock.advance(40)
        async with a.post(f"{run.base}/api/v1/rooms/r1/questions/{qid}/answered") as r:
            assert r.status == 200
        run.clock.advance(60)
        async with a.post(f"{run.base}/api/v1/rooms/r1/broadcast/end") as r:
            assert r.status == 200
        async with a.post(f"{run.base}/api/v1/rooms/r1/broadcast/end") as r:
            assert r.status == 409
        await run.service.pipeline.tick()  # the review is built on the next tick
        async with a.get(f"{run.base}/api/v1/reviews") as r:
            listed = (await r.json())["reviews"]
        assert [e["room"] for e in listed] == ["r1"]
        review_id = listed[0]["id"]
        async with b.get(f"{run.base}/api/v1/reviews") as r:
            assert (await r.json())["reviews"] == []
        async with b.get(f"{run.base}/api/v1/reviews?room=r1") as r:
            assert r.status == 403
        async with b.get(f"{run.base}/api/v1/reviews/{review_id}") as r:
            assert r.status == 403
        async with a.get(f"{run.base}/api/v1/reviews/{'x' * 300}") as r:
            assert r.status == 400
        async with a.get(f"{run.base}/api/v1/reviews/nope") as r:
            assert r.status == 404
        async with a.get(f"{run.base}/api/v1/reviews/{review_id}") as r:
            review = await r.json()
        f = review["figures"]
        assert (f["questions"], f["questions_answered"], f["questions_missed"]) == (2, 1, 1)
        assert review["people"]["ctl-a"]["questions_answered"] == 1
        # The download is one file: no external script, the data inside, hostile text inert.
        async with a.get(f"{run.base}/api/v1/reviews/{review_id}/download?lang=en") as r:
            page = await r.text()
            assert r.status == 200 and "attachment" in r.headers["Content-Disposition"]
        assert not re.search(r"<script[^>]+src=", page) and "<link" not in page
        assert page.count("</script>") == 3  # uPlot, the data, the page script: nothing else closes
        async with a.get(f"{run.base}/api/v1/reviews/{review_id}/download?lang=fr") as r:
            assert r.status == 400
        # The room's supervisors' robot got the summary with the link.
        got = await robot.wait_for(1)
        text = got[0].json()["markdown"]["text"]
        assert (
            "直播复盘" in text
            and f"https://roomwatch.example.com/review.html?id={review_id}" in text
        )
        # The month: ctl-a sees their own row, the supervisor every row, ctl-b none.
        month = time.strftime("%Y-%m", time.localtime(run.clock.now()))
        url = f"{run.base}/api/v1/reports/evaluation?month={month}"
        async with a.get(url) as r:
            rows = (await r.json())["rows"]
        assert [row["person"] for row in rows] == ["ctl-a"]
        assert rows[0]["broadcasts"] == 1 and rows[0]["questions_answered"] == 1
        assert rows[0]["answer_median"] == pytest.approx(40.0)
        async with sup.get(url + "&format=csv") as r:
            table = list(csv.DictReader(io.StringIO(await r.text())))
        assert [row["person"] for row in table] == ["ctl-a"] and table[0]["name"] == "小王"
        async with b.get(url) as r:
            assert (await r.json())["rows"] == []
        for bad in ("2025-13", "25-01", "abc", "2025-1-1"):
            async with a.get(f"{run.base}/api/v1/reports/evaluation?month={bad}") as r:
                assert r.status == 400 and "month" in (await r.json())["error"]
    finally:
        for s in (a, b, sup):
            await s.close()
    await asyncio.sleep(0)
    assert orjson.loads(orjson.dumps(review))  # the review is plain JSON


PLANNED = CONFIG.replace(
    "plans: { items: [] }",
    """detection:
  categories:
    - { id: contact_diversion, severity: critical, terms: [加我微信] }
plans:
  items:
    - id: burst
      name: 敏感评论集中出现
      severity: critical
      count: { signal: sensitive, min: 2, window: 60 }
      ack_deadline: 120
      resolve: { mode: manual }
""",
)


async def test_the_review_times_who_handled_each_incident(robot: Capture) -> None:
    run, stop, task = await start(PLANNED.replace("ROBOT_URL", robot.url))
    a = await run.session("ctl-a")
    try:
        async with a.post(f"{run.base}/api/v1/rooms/r1/broadcast/start") as r:
            assert r.status == 200
        run.clock.advance(30)
        await say(run, "加我微信1", "spam1")
        await say(run, "加我微信2", "spam2")
        [alert] = await run.service.store.list_alerts(rooms=["r1"])
        run.clock.advance(15)
        async with a.post(f"{run.base}/api/v1/alerts/{alert.id}/ack") as r:
            assert r.status == 200
        run.clock.advance(30)
        async with a.post(f"{run.base}/api/v1/alerts/{alert.id}/resolve") as r:
            assert r.status == 200
        run.clock.advance(10)
        async with a.post(f"{run.base}/api/v1/rooms/r1/broadcast/end") as r:
            assert r.status == 200
        await run.service.pipeline.tick()
        [review] = run.service.supervision.built
        [row] = review["alerts"]
        assert (row["acked_by"], row["ack_seconds"], row["ack_in_time"]) == ("ctl-a", 15.0, True)
        assert (row["resolved_by"], row["resolve_seconds"]) == ("ctl-a", 45.0)
        did = review["people"]["ctl-a"]
        assert (did["alerts_acked"], did["alerts_resolved"]) == (1, 1)
        assert review["figures"]["flagged"] == {"contact_diversion": 2}
        month = time.strftime("%Y-%m", time.localtime(run.clock.now()))
        async with a.get(f"{run.base}/api/v1/reports/evaluation?month={month}") as r:
            [me] = (await r.json())["rows"]
        assert (me["ack_median"], me["resolve_median"], me["acks_in_time_share"]) == (
            15.0,
            45.0,
            1.0,
        )
    finally:
        await a.close()
        stop.set()
        await task
