"""The question book, reply matching, the speech heuristic, and their configuration."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from config.loader import ConfigError, load_config_text
from config.supervision import SpeechAnswers, SupervisionConfig
from monitor.detect.questions import classify_question
from monitor.events import CommentEvent, SpeechEvent
from monitor.supervision import matching
from monitor.supervision.evaluation import MonthError, month_span
from monitor.supervision.questions import QuestionBook, QuestionError, QuestionState, Via

T0 = 1_764_547_200.0


def book(**settings_: object) -> QuestionBook:
    cfg = SupervisionConfig(**settings_)  # type: ignore[arg-type]
    return QuestionBook(cfg, classify_question, {"r1": {"shop": "amy", "bot": ""}})


def comment(n: int, text: str, user: str, ts: float, nickname: str = "") -> CommentEvent:
    return CommentEvent(room="r1", ts=ts, id=f"c{n}", text=text, user=user, nickname=nickname)


def test_questions_open_oldest_first_and_complaints_or_chatter_do_not() -> None:
    b = book()
    assert b.on_comment(comment(1, "多少钱啊", "v1", T0))
    assert b.on_comment(comment(2, "165穿什么码", "v2", T0 + 1))
    assert not b.on_comment(comment(3, "主播好漂亮", "v3", T0 + 2))
    assert not b.on_comment(comment(4, "还有货吗", "v4", T0 + 3), negative=True)
    assert not b.on_comment(comment(1, "多少钱啊", "v1", T0))  # redelivered
    assert [q.id for q in b.open_questions("r1")] == ["c1", "c2"]
    assert b.backlog("r1", T0 + 10) == (2, 10.0)
    assert b.backlog("nowhere", T0) == (0, 0.0)


def test_an_account_reply_answers_by_mention_or_by_content() -> None:
    b = book()
    b.on_comment(comment(1, "这件多少钱？", "v1", T0, "小美"))
    b.on_comment(comment(2, "发什么快递", "v2", T0 + 1, "阿强"))
    b.on_comment(comment(3, "能退吗", "v3", T0 + 2, "老王"))
    hit = b.on_comment(comment(4, "@小美 到手价179元", "shop", T0 + 20))
    assert [(q.id, q.closed_by, q.via) for q in hit] == [("c1", "amy", Via.REPLY)]
    # No mention: the reply answers the questions whose topic it answers.
    hit = b.on_comment(comment(5, "全部顺丰包邮，48小时内发货", "bot", T0 + 30))
    assert [(q.id, q.closed_by) for q in hit] == [("c2", "account:bot")]
    assert [q.id for q in b.open_questions("r1")] == ["c3"]
    # A viewer's comment is never a reply; a reply long after the question does not count.
    assert b.on_comment(comment(6, "@老王 七天无理由", "v9", T0 + 40)) == []
    assert b.on_comment(comment(7, "@老王 七天无理由", "shop", T0 + 2 + 601)) == []


def test_console_marks_and_their_errors() -> None:
    b = book()
    b.on_comment(comment(1, "几天能到", "v1", T0))
    q = b.mark("r1", "c1", True, "amy", T0 + 33)
    assert (q.state, q.via, q.answer_seconds) == (QuestionState.ANSWERED, Via.CONSOLE, 33.0)
    with pytest.raises(QuestionError) as err:
        b.mark("r1", "c1", False, "amy", T0 + 40)
    assert err.value.status == 409
    with pytest.raises(QuestionError) as err:
        b.mark("r1", "zz", True, "amy", T0)
    assert err.value.status == 404
    b.on_comment(comment(2, "有没有优惠券", "v2", T0 + 50))
    assert b.mark("r1", "c2", False, "amy", T0 + 51).state is QuestionState.NOT_QUESTION


def test_the_open_limit_and_the_end_of_a_broadcast_miss_questions() -> None:
    b = book(open_limit=10)
    for i in range(12):
        b.on_comment(comment(i, "还有货吗", f"v{i}", T0 + i))
    assert len(b.open_questions("r1")) == 10
    assert [q.state for q in b.asked_between("r1", T0, T0 + 1)] == [QuestionState.MISSED] * 2
    missed = b.miss_open("r1", T0 + 5, T0 + 100)
    assert [q.id for q in missed] == ["c2", "c3", "c4", "c5"]
    assert len(b.open_questions("r1")) == 6


def test_questions_nobody_answered_for_long_are_missed() -> None:
    b = book(expire_after=600)
    b.on_comment(comment(1, "还有货吗", "v1", T0))
    b.on_comment(comment(2, "包邮吗", "v2", T0 + 300))
    assert b.expire("r1", T0 + 600) == []
    assert [q.id for q in b.expire("r1", T0 + 601)] == ["c1"]
    assert b.backlog("r1", T0 + 601) == (1, 301.0)


def test_speech_answers_only_when_enabled_and_within_the_window() -> None:
    off = book()
    off.on_comment(comment(1, "165穿什么码", "v1", T0))
    assert off.on_speech(SpeechEvent(room="r1", ts=T0 + 5, id="s1", text="165的宝宝拿M码")) == []
    on = book(speech=SpeechAnswers(enabled=True, window=60))
    on.on_comment(comment(1, "165穿什么码", "v1", T0))
    on.on_comment(comment(2, "包邮吗", "v2", T0))
    late = SpeechEvent(room="r1", ts=T0 + 61, id="s0", text="165的宝宝拿M码")
    assert on.on_speech(late) == []
    hit = on.on_speech(SpeechEvent(room="r1", ts=T0 + 5, id="s1", text="165的宝宝拿M码"))
    assert [(q.id, q.via, q.closed_by) for q in hit] == [("c1", Via.SPEECH, "speech")]


def test_mentions_and_content() -> None:
    assert matching.mentions("@观众1 @ 阿强，好的") == ["观众1", "阿强"]
    c = matching.content("请问主播165穿什么码呀？")
    assert "165" in c.tokens and "什么" not in c.grams


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=3000))
def test_hostile_text_never_breaks_the_book(text: str) -> None:
    b = book()
    b.on_comment(comment(1, "多少钱", "v1", T0, "@@"))
    b.on_comment(comment(2, text, "v2", T0 + 1, text[:40]))
    b.on_comment(comment(3, text, "shop", T0 + 2))
    b.on_speech(SpeechEvent(room="r1", ts=T0 + 3, id="s", text=text))
    for q in b.asked_between("r1", T0, T0 + 10):
        assert len(q.text) <= 500 and len(q.answer) <= 200


def test_month_spans_and_bad_months() -> None:
    since, until = month_span("2025-12", "Asia/Shanghai")
    assert since == 1_764_518_400.0 and until - since == 31 * 86_400
    for bad in ("2025-00", "2025-13", "1999-01", "2025/01", "", "2025-1x", "x" * 1000):
        with pytest.raises(MonthError):
            month_span(bad, "UTC")


@pytest.mark.parametrize(
    ("yaml", "path"),
    [
        ("rooms: [{id: r1, review_notify: [nope]}]", "rooms[0].review_notify[0]"),
        (
            "supervision: {review: {notify: [nope]}}\nrooms: [{id: r1}]",
            "supervision.review.notify[0]",
        ),
        (
            "rooms: [{id: r1, review_notify: [am]}]\nnotifiers: [{id: am, type: alertmanager, url: 'http://x'}]",
            "rooms[0].review_notify[0]",
        ),
        (
            "rooms: [{id: r1, reply_accounts: [{account: s, person: ghost}]}]",
            "rooms[0].reply_accounts[0].person",
        ),
        ("supervision: {timezone: Mars/Base}", "supervision.timezone"),
        ("supervision: {answer_within: -1}", "supervision.answer_within"),
        ("supervision: {speech: {enabled: true, window: 0}}", "supervision.speech.window"),
        (
            "rooms: [{id: r1, reply_accounts: [{account: 'has space'}]}]",
            "rooms[0].reply_accounts[0].account",
        ),
        ("supervision: {colour: red}", "supervision.colour"),
    ],
)
def test_config_errors_name_the_key(yaml: str, path: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_config_text(yaml, env={})
    assert path in str(err.value)


def test_the_vendored_chart_library_is_the_pinned_npm_package() -> None:
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "scripts" / "vendor_uplot.py"
    done = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout
