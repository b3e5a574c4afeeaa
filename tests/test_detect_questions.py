"""Viewer questions: topics, complaints and rhetoric kept apart, hostile input, evaluation."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.detect.evaluate_classifiers import (
    SetFormatError,
    evaluate_questions,
    evaluate_sentiment,
    read_rows,
    render_questions,
    render_sentiment,
    report_all,
)
from monitor.detect.questions import TOPICS, QuestionVerdict, classify_question, load_topic_terms

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("这件外套多少钱？", "price"),
        ("我160 100斤穿什么码", "size"),
        ("黑色还有货吗", "stock"),
        ("新疆包邮吗", "shipping"),
        ("不合适可以退吗", "after_sales"),
        ("敏感肌能用吗", "usage"),
        ("是纯棉的吗", "product"),
        ("有优惠券吗", "discount"),
        ("包邮不", "shipping"),  # no question mark, final 不
        ("辣不辣", "product"),  # A-not-A
        ("是现货还是预售", "stock"),  # A or B
    ],
)
def test_questions_get_their_topic(text: str, topic: str) -> None:
    verdict = classify_question(text)
    assert verdict is not None and verdict.topic == topic
    assert 0.5 <= verdict.score <= 1.0


@pytest.mark.parametrize(
    "text",
    [
        "怎么还没发货",  # complaint phrased as a question: negative sentiment instead
        "为什么还不退款？",
        "说好的包邮呢",
        "是不是骗人的",
        "面料又薄又透？",  # a bad fact with a question mark
        "我的退款呢？",
        "还是算了吧",  # 还是 that does not offer a choice
        "质量真好，洗一次就破了？",  # sarcasm
        "怎么这么好看",  # rhetorical
        "这也太便宜了吧",
        "主播吃饭了吗",  # chatty
        "有人吗",
        "已下单",  # statements and chatter
        "价格很实惠",
        "上链接",
        "666",
    ],
)
def test_complaints_rhetoric_and_chatter_are_not_questions(text: str) -> None:
    assert classify_question(text) is None


def test_verdict_is_frozen_and_topics_are_the_documented_ones() -> None:
    verdict = classify_question("多少钱")
    assert verdict == QuestionVerdict("price", verdict.score if verdict else 0.0)
    with pytest.raises(AttributeError):
        verdict.topic = "size"  # type: ignore[misc,union-attr]
    assert set(TOPICS) == {
        "price", "size", "stock", "shipping", "after_sales", "usage", "product", "discount",
    }  # fmt: skip


@pytest.mark.parametrize(
    "text", ["", " ", "?", "？？？？", "\x00\x01吗", "💥" * 5000, "多少钱" * 10_000, "\ud800吗"]
)
def test_hostile_input_returns_a_verdict_or_none(text: str) -> None:
    verdict = classify_question(text)
    assert verdict is None or verdict.topic in TOPICS


def test_oversized_text_is_read_up_to_a_bound() -> None:
    assert classify_question("哈" * 300 + "多少钱") is None  # the question lies past the bound
    verdict = classify_question("多少钱" + "哈" * 300)
    assert verdict is not None and verdict.topic == "price"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_text_gives_none_or_a_known_topic(text: str) -> None:
    verdict = classify_question(text)
    assert verdict is None or (verdict.topic in TOPICS and 0.0 < verdict.score <= 1.0)


def test_question_evaluation_counts_precision_recall_topics_and_kinds(tmp_path: Path) -> None:
    path = tmp_path / "q.tsv"
    path.write_text(
        "# label kind topic text\n"
        "1\tquestion\tprice\t多少钱\n"
        "1\tquestion\tsize\t有优惠券吗\n"  # found, wrong topic
        "1\tquestion\tusage\t嗯嗯\n"  # missed
        "0\tcomplaint_question\t-\t怎么还没发货\n"
        "0\tstatement\t-\t运费多少吗\n",  # a false positive
        "utf-8",
    )
    report = evaluate_questions(path)
    assert (report.overall.tp, report.overall.fp, report.overall.fn) == (2, 1, 1)
    assert (report.topic_right, report.topic_rows) == (1, 2)
    assert report.kinds["question"][1].positive == 2
    assert report.kinds["statement"][1].positive == 1
    text = "\n".join(render_questions(report))
    assert "precision 0.667 recall 0.667" in text and "topic accuracy 0.500" in text
    assert "statement            called question 1.000 (1/1)" in text


def test_sentiment_evaluation_counts_per_kind(tmp_path: Path) -> None:
    path = tmp_path / "s.tsv"
    path.write_text("1\timplicit\t薄得透光\n1\tsarcasm\t真棒\n0\tpraise\t不错\n", "utf-8")
    report = evaluate_sentiment(path, lambda text: "薄" in text or "错" in text)
    assert (report.overall.tp, report.overall.fp, report.overall.fn) == (1, 1, 1)
    lines = "\n".join(render_sentiment(report))
    assert "implicit             recall 1.000 (1/1)" in lines
    assert "sarcasm              recall 0.000 (0/1)" in lines
    assert "praise               called negative 1.000 (1/1)" in lines


def test_malformed_set_lines_are_reported_with_their_line_number(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("1\tquestion\tprice\t多少钱\n2\tquestion\tprice\t几块\n", "utf-8")
    with pytest.raises(SetFormatError, match=r"bad.tsv:2: expected 4"):
        read_rows(path, 4)
    path.write_text("1\tquestion\n", "utf-8")
    with pytest.raises(SetFormatError, match=r"bad.tsv:1"):
        read_rows(path, 4)


def test_blind_sets_are_read_only_when_asked(tmp_path: Path) -> None:
    (tmp_path / "questions").mkdir()
    (tmp_path / "blind").mkdir()
    (tmp_path / "questions" / "dev.tsv").write_text("1\tquestion\tprice\t多少钱\n", "utf-8")
    (tmp_path / "blind" / "questions.tsv").write_text("1\tquestion\tprice\t几块钱\n", "utf-8")
    assert "blind/questions.tsv" not in report_all(lambda _: False, tmp_path)
    assert "blind/questions.tsv" in report_all(lambda _: False, tmp_path, blind=True)


def test_own_question_sets_have_every_topic_and_kind() -> None:
    for name in ("dev.tsv", "heldout.tsv"):
        rows = read_rows(DATA / "questions" / name, 4)
        assert {r[2] for r in rows if r[0] == "1"} == set(TOPICS)
        assert {r[1] for r in rows} >= {"question", "complaint_question", "rhetorical", "chatter"}


def test_topic_table_rejects_an_unknown_topic_with_its_line() -> None:
    assert load_topic_terms("# c\nprice\t多少钱 几块\nprice\t价位\n") == {
        "price": ("多少钱", "几块", "价位")
    }
    with pytest.raises(ValueError, match=r"line 2: unknown topic 'colour'"):
        load_topic_terms("price\t多少钱\ncolour\t红色\n")
    with pytest.raises(ValueError, match=r"line 1"):
        load_topic_terms("price 多少钱\n")


def test_answerable_is_whether_classify_found_names_a_topic() -> None:
    # The sentiment cues ask only whether a comment is a question to answer: `answerable`
    # decides that without naming the topic, and must agree with `classify_found`.
    from monitor.detect.questions import answerable, classify_found
    from monitor.detect.sentiment_cues import SENTIMENT_CUES

    texts = [
        line.rsplit("\t", 1)[-1]
        for folder in ("detect", "sentiment", "questions")
        for path in sorted((DATA / folder).glob("*.tsv"))
        for line in path.read_text("utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    texts += ["多少钱\ud800?", "", "?", "已经买了好几件多少钱", "尺码"]
    asked = 0
    for text in texts:
        t = text[:200].lower()
        found = SENTIMENT_CUES.matches(t)
        expected = classify_found(t, found) is not None
        asked += expected
        assert answerable(t, found) == expected, text
        for extra in ({"asks"}, {"asks", "rhetorical"}):
            assert answerable(t, found | extra) == (classify_found(t, found | extra) is not None)
    assert asked > 100
