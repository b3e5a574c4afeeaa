"""Transliteration, context checks, pairs, split messages and the ordinary-words check."""

from __future__ import annotations

import itertools
from importlib import resources

import ahocorasick_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from config.loader import default_config_path, load_config
from monitor.detect.detector import LexiconDetector
from monitor.detect.lexicon import Role
from monitor.detect.normalize import default_normalizer
from monitor.detect.split import SplitWindow
from monitor.detect.translit import Transliterator
from tests.detect_support import cats, fresh_detector, shipped_detector

CONFIG = load_config(default_config_path())


@pytest.fixture(scope="module")
def detector() -> LexiconDetector:
    return shipped_detector()


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("jia wo weixin", "contact_diversion"),
        ("想要的加weixin", "contact_diversion"),
        ("jiawoweixin便宜出", "contact_diversion"),
        ("加wei xin私聊", "contact_diversion"),
        ("JIA V 发你", "contact_diversion"),
        ("shua dan jian zhi", "fraud"),
        ("招shuadan的来", "fraud"),
        ("zhubo shabi", "abuse"),
        ("有dama吗", "prohibited"),
        ("jiā wǒ wēi xìn", "contact_diversion"),
        ("zhongjiang le，jiao shouxufei jiu neng ling", "fraud"),
        ("中奖了 jiao ge shou xu fei", "fraud"),
    ],
)
def test_pinyin_spellings_are_read(detector: LexiconDetector, text: str, category: str) -> None:
    assert category in cats(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "买了iPhone和AirPods",
        "nike的鞋子怎么样",
        "Shine系列有货吗",
        "shopping好开心",
        "wine杯有吗",
        "这个是weekend系列吗",
        "machine washable吗",
        "adamant款",
        "amazing",
    ],
)
def test_english_words_stay_clean(detector: LexiconDetector, text: str) -> None:
    assert cats(detector, text) == set()


SYLLABLES = sorted(default_normalizer().syllable_codes)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=30))
def test_segmentation_covers_the_run_exactly(run: str) -> None:
    translit = Transliterator(default_normalizer().syllable_codes)
    units = translit.segment(run)
    assert units[0][1] == 0 and units[-1][2] == len(run)
    for (_, _, end, _), (_, start, _, _) in itertools.pairwise(units):
        assert end == start
    assert all(left == (run[a:b] not in translit.codes) for _, a, b, left in units)


TERMS = ["加微信", "刷单", "傻逼", "私聊我"]


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(TERMS),
    st.lists(st.sampled_from(["", " ", "  ", "-", "."]), min_size=4, max_size=4),
    st.booleans(),
)
def test_any_spacing_and_case_of_a_pinyin_spelling_is_caught(
    detector: LexiconDetector, term: str, seps: list[str], upper: bool
) -> None:
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(term)
    text = "".join(s + seps[i % len(seps)] for i, s in enumerate(syllables)).strip(" -.")
    text = text.upper() if upper else text
    assert cats(detector, text), text


@pytest.mark.parametrize(
    "text",
    [
        "这个菜可以加微辣吗",
        "牙刷单卖吗",
        "刷子单支多少钱",
        "这个能去死皮吗",
        "加味",
        "我在南京东路",
        "张家口发货吗",
        "北京东方红",
        "明治维新的书",
        "卫星导航的手表",
        "象牙海岸的咖啡",
        # Latin letters or digits later in the comment change nothing about the word.
        "牙刷单卖吗 2支",
        "明治维新的书abc",
        "张家口发货吗 ok",
    ],
)
def test_look_alikes_inside_ordinary_words_stay_clean(detector: LexiconDetector, text: str) -> None:
    assert cats(detector, text) == set()


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("你怎么不去死", "abuse"),
        ("找人刷单", "fraud"),
        ("加微信号", "contact_diversion"),
        ("嘉薇领券", "contact_diversion"),
        ("唰单兼职", "fraud"),
    ],
)
def test_real_terms_survive_the_context_check(
    detector: LexiconDetector, text: str, category: str
) -> None:
    assert category in cats(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "这是全网最好的面膜",
        "销量第一的品牌",
        "我们家是行业第一",
        "这是最便宜的一次",
        "最舒服的衣服",
    ],
)
def test_ad_law_claims_are_flagged(detector: LexiconDetector, text: str) -> None:
    assert "ad_law" in cats(detector, text, "speech")


@pytest.mark.parametrize(
    "text",
    [
        "这是我最喜欢的一款",
        "第一个链接是外套",
        "第一时间给大家发货",
        "最好当天下单",
        "最起码要穿两次",
        "第一排的宝宝看过来",
        "唯一要注意的是尺码偏大",
        "最主要是舒服",
    ],
)
def test_ad_law_words_that_are_no_claim_stay_clean(detector: LexiconDetector, text: str) -> None:
    assert "ad_law" not in cats(detector, text, "speech")


def test_pairs_need_every_part(detector: LexiconDetector) -> None:
    assert "fraud" in cats(detector, "恭喜中奖了请添加客服领取")
    assert cats(detector, "我中奖了吗") == set()
    assert cats(detector, "客服什么时候回复") == set()


def test_split_messages_join_for_every_category(detector: LexiconDetector) -> None:
    def run(parts: list[str], user: str, step: float = 1.0) -> set[str]:
        found: set[str] = set()
        for i, part in enumerate(parts):
            found |= {
                f.category for f in detector.analyze(part, "comment", user, i * step).sensitive
            }
        return found

    assert run(["刷", "单", "兼", "职"], "split-a") == {"fraud"}
    assert run(["傻", "逼"], "split-b") == {"abuse"}
    assert run(["想要的", "加", "薇"], "split-c") == {"contact_diversion"}
    assert run(["傻"], "split-d") | run(["逼"], "split-e") == set()  # two users
    assert run(["傻", "这件衣服真的很好看呀", "逼"], "split-f") == set()  # a sentence between
    assert run(["傻", "逼"], "split-g", step=120.0) == set()  # outside the window


def test_split_window_is_bounded() -> None:
    window = SplitWindow(messages=3, seconds=60, max_users=100)
    for i in range(500):
        window.add(f"u{i}", float(i), "加")
    assert len(window) == 100
    assert window.add("x", 0.0, "a") is None
    assert window.add("x", 1.0, "b") == "ab"
    for c in "cdef":
        joined = window.add("x", 2.0, c)
    assert joined == "def"


# Dictionary words that hold a term and are themselves sensitive: flagging them is right.
SENSITIVE_COMPOUNDS = {"博彩业", "军火商", "左轮手枪", "炸药包", "自动步枪", "狗眼看人"}


def _ordinary_words(min_count: int) -> list[str]:
    text = resources.files("jieba").joinpath("dict.txt").read_text("utf-8")
    out = []
    for line in text.splitlines():
        word, count, _ = line.split(" ")
        if int(count) >= min_count:
            out.append(word)
    return out


def test_no_shipped_term_fires_inside_an_ordinary_word(detector: LexiconDetector) -> None:
    """Every term is checked against jieba's dictionary (words seen 20+ times): a word that
    holds a term without being it must not be flagged for that term's category."""
    terms = [
        t
        for t in detector.lexicon.terms
        if t.role is Role.DENY and t.category != "ad_law"  # ad terms are claims by design
    ]
    automaton = ahocorasick_rs.AhoCorasick([t.canonical for t in terms])
    views = detector.normalizer.views
    words = _ordinary_words(20)
    assert len(words) > 50_000
    flagged = {}
    for word in words:
        collapsed = views(word).collapsed
        hits = [terms[i] for i, _, _ in automaton.find_matches_as_indexes(collapsed)]
        if not hits or any(t.canonical == collapsed for t in hits):
            continue
        found = cats(detector, word) & {t.category for t in hits}
        if found:
            flagged[word] = sorted({t.text for t in hits})
    assert set(flagged) <= SENSITIVE_COMPOUNDS, flagged


def test_an_ordinary_word_holding_another_listed_term_is_no_alibi() -> None:
    """去死皮 (an ordinary compound) clears 去死 inside it, but not when the word also
    holds another listed term (at its start, at its end, or one character long): then
    each term counts."""
    from config.detection import DetectionConfig, KeywordCategory

    base_dir = load_config(default_config_path()).base_dir

    def detector_of(**terms: list[str]) -> LexiconDetector:
        categories = [KeywordCategory(id=c, terms=t) for c, t in terms.items()]
        return fresh_detector(DetectionConfig(categories=categories), base_dir)

    text = "这个能去死皮吗"
    assert cats(detector_of(abuse=["去死"]), text) == set()
    assert cats(detector_of(abuse=["去死"], skin=["死皮"]), text) == {"abuse", "skin"}
    assert "abuse" in cats(detector_of(abuse=["去死"], skin=["皮"]), text)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("有人在评论区让我加微信领红包，已经举报了", "contact_diversion"),
        ("刚才有个客服私信我说中奖要交手续费，大家别信", "fraud"),
        ("谁说要先交押金才能发货？明显是骗子", "fraud"),
    ],
)
def test_a_report_of_someone_elses_scam_is_clean(
    detector: LexiconDetector, text: str, category: str
) -> None:
    assert category not in cats(detector, text)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("别信别人，加我微信 wxid_abc123 给你便宜", "contact_diversion"),
        ("有人说要交手续费？不用，加我VX 13912345678 直接发", "contact_diversion"),
        ("中奖了先交手续费，名额有限", "fraud"),
    ],
)
def test_a_warning_beside_a_contact_of_ones_own_is_still_flagged(
    detector: LexiconDetector, text: str, category: str
) -> None:
    assert category in cats(detector, text)


def test_a_scam_named_as_unlawful_is_no_offer(detector: LexiconDetector) -> None:
    assert "fraud" not in cats(detector, "兼职刷单是违法的，不要碰")
    assert "fraud" in cats(detector, "兼职刷单，日结，想做的私我")


@pytest.mark.parametrize(
    "text", ["我就是个穷鬼，又没抢到", "我这个废物今天又熬夜了", "我真是个白痴，拍错了颜色"]
)
def test_an_insult_the_writer_aims_at_themself_is_no_abuse(
    detector: LexiconDetector, text: str
) -> None:
    assert "abuse" not in cats(detector, text)


@pytest.mark.parametrize(
    "text", ["你就是个废物", "主播是个白痴吧", "我看你是个穷鬼", "你这个傻逼，滚"]
)
def test_an_insult_aimed_at_someone_else_is_abuse(detector: LexiconDetector, text: str) -> None:
    assert "abuse" in cats(detector, text)


@pytest.mark.parametrize(
    "text",
    ["这款是全网醉好的 闭眼入", "顶鸡工艺 放心拍", "国佳级的认证 放心买", "史上醉低价 错过没有"],
)
def test_ad_law_claims_spelled_by_sound_are_flagged(detector: LexiconDetector, text: str) -> None:
    assert "ad_law" in cats(detector, text, "speech")


@pytest.mark.parametrize(
    "text", ["他们定级了没有", "一直支持我们的宝宝 我永远记得", "低一点的价格也有"]
)
def test_ordinary_speech_that_sounds_like_a_claim_stays_clean(
    detector: LexiconDetector, text: str
) -> None:
    assert "ad_law" not in cats(detector, text, "speech")
