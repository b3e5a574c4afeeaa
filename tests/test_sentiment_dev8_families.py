"""Negative sentiment, the dev8 round's families: complaints asked rhetorically (这也算…？,
瞎写的吗, 走路送的吗), praise belied by the fact after it or before it, bad facts with no
complaint word, and praise that uses negation (别太好吃, 不能更喜欢, 线头都没有)."""

from __future__ import annotations

import pytest

from config.loader import default_config_path, load_config
from monitor.detect.detector import LexiconDetector
from monitor.detect.questions import classify_question
from tests.detect_support import cue, fresh_detector, rules_only
from tests.sentiment_families import family_checks

CONFIG = load_config(default_config_path())

FLAGGED = [
    # complaints phrased as questions: is this what you call…, made up, asleep on the job
    "这也算羊毛衫？",
    "这还叫旗舰店？",
    "尺码都是瞎标的吗？",
    "售后电话是摆设吗",
    "质检员上班都在摸鱼吗",
    "说好的顺丰，怎么发的是邮政",
    "主播能不能认真回答问题",
    "包裹是走路寄过来的吧",
    # praise, then the fact that belies it (or the fact first, the praise after)
    "这伞真防水，连毛毛雨都挡不住",
    "赠品真大方，满五百减两块",
    "面霜真补水，越用越干",
    "这粉底真持久，足足十分钟",
    "主播真会说，说得天花乱坠",
    "发票都没有，真讲究",
    "一盒饼干半盒空气，真实惠",
    "这盒饭真香，白送都不要",
    # bad facts with no complaint word
    "收到的杯子是碎的",
    "快递盒子被压扁了",
    "电风扇不出风",
    "用了这个洗面奶，痘痘反而更多了",
    "两只鞋大小不一",
    "同一个链接昨天59今天39",
    "衣服洗完缩成童装了",
    "练习册好几页是白的",
    "杯身烫得根本拿不住",
    "这料子太水了",
    "客服三天才回了一句",
    "刚付款就降价，气人",
    "线头都没有剪干净",  # the fault, then a clause that goes on: not "there is none"
]

CLEAN = [
    # praise that uses negation: 别太/不要太 + praise, none of the fault
    "面包别太好吃",
    "这身衣服不要太显气质",
    "简直不能更喜欢",
    "从来没用过这么好用的拖把",
    "真好用，从来没这么满意过",
    "做工很好，线头都没有",
    "异味也没有。好评",
    # praise and chatter in the new cues' own words
    "真好吃，连我老公都爱吃",
    "真方便，连老人都会用",
    "这仿真花真好看，跟真的一样",
    "主播真好，永远支持你",
    "这款压缩被能缩到很小，方便收纳",
    "磨出来的咖啡粉很细",
    "左右两个口袋很实用",
    "这款有两个码可以选",
    "保质期还剩多少天",
    "昨天到了3件，今天又到2件",
    "送人都很有面子",
    "主播离职了吗",
    "这也算是一种缘分吧",
    "不加热直接吃也可以",
    "越穿越舒服",
    "赠品比之前还多",
    "头发长得更多了",
    "吃了一口就化了，太好吃了",
    "刚下单就发货了，真快",
    "客服两分钟就回了，很耐心",
    "被种草了，马上下单",
    "福利真多，谢谢主播",
    "这个价格真实在，买两件了",
]


@pytest.fixture(scope="module")
def detector() -> LexiconDetector:
    return fresh_detector(rules_only(CONFIG.detection), CONFIG.base_dir)


(
    test_the_families_are_negative,
    test_praise_chatter_and_negated_praise_are_not,
    test_the_anchored_scan_finds_what_the_plain_patterns_find,
    _,
) = family_checks(FLAGGED, CLEAN)


def test_each_family_has_its_cue() -> None:
    assert cue("complaint", "这还叫新款？") and cue("complaint", "价格表是瞎写的吗")
    assert not cue("complaint", "这也算是缘分")
    assert cue("sarcasm", "吸力真强，连地上的头发都吸不起来")
    assert cue("sarcasm", "说明书都没有，真专业")
    assert cue("implicit", "收到的是坏的") and cue("implicit", "箱子被压扁了")
    assert cue("negated_praise", "不能更满意") and cue("negated_praise", "一点色差都没有")
    assert cue("negated_praise", "这颜色别太好看")


def test_a_negator_or_a_question_still_clears_the_new_facts() -> None:
    assert not cue("implicit", "不是坏的") and not cue("implicit", "是坏的吗")
    assert not cue("implicit", "会被拆过吗") and not cue("implicit", "没被压坏")
    assert not cue("implicit", "刚买就降价了吗")
    assert not cue("praise_negated", "从来没这么满意过")
    assert not cue("sarcasm", "真好，一根线头都没有")


def test_rhetorical_complaints_are_not_questions_to_answer() -> None:
    assert classify_question("尺码表是瞎写的吗") is None
    assert classify_question("说好的包邮，怎么还要运费") is None
    assert classify_question("这个尺码表准吗") is not None
