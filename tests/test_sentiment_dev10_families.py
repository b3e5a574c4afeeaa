"""Negative sentiment, the dev10-dev15 round's families: a promise or a price said, then how
it changed; what was ordered against what came; a shop accused rather than asked (乱写的吗,
靠走的吗, 是在种吗); a fault worse than normal; disappointment said plainly; faults stated as
facts; promises that came to nothing. Neutral questions in the same words stay neutral."""

from __future__ import annotations

import pytest

from config.loader import default_config_path, load_config
from monitor.detect.detector import LexiconDetector
from tests.detect_support import fresh_detector, rules_only
from tests.sentiment_families import family_checks

CONFIG = load_config(default_config_path())

FLAGGED = [
    # a promise or a price said, then how it changed
    "说是今天发，怎么变成下周了？",
    "主播说送两个，怎么只有一个？",
    "刚才还六十九，怎么一下单就八十九了？",
    "明明写的包邮，怎么结算要运费？",
    # what was ordered against what came
    "拍了两双怎么只寄来一双？",
    "拍的黑色咋是灰的？",
    # accused rather than asked; a fault worse than normal; nobody looking
    "你们的发货时间是乱写的吗？",
    "这快递是靠走的吗？",
    "半个月没动，是在种吗？",
    "烫成这样还正常吗？",
    "地址写错了三次，你们有看吗？",
    "一百多就这么点？",
    "我的赠品呢？",
    "券怎么用着用着就没了？",
    # disappointment and faults said plainly
    "发货这么慢，真失望",
    "直播间太吵了，受不了",
    "充电宝用了三天就鼓包了",
    "新书缺页，还有两页印反了",
    # promises that came to nothing
    "说好的正品，信了个寂寞",
    "客服已经说了三个明天了",
]

CLEAN = [
    # neutral questions in the same words
    "说是纯棉的，怎么洗比较好？",
    "主播说的那款怎么买？",
    "拍了两件怎么合并付款？",
    "刚才那个链接怎么找？",
    "这个正常吗，第一次用有点味道",
    "赠品什么时候发？",
    "优惠券怎么用？",
    # praise and chatter in the same words
    "一点都不失望，比想象的好",
    "不鼓包，用了半年还好好的",
    "这本书印刷清楚，不缺页",
    "主播说送两个，真的送了两个",
]


@pytest.fixture(scope="module")
def detector() -> LexiconDetector:
    return fresh_detector(rules_only(CONFIG.detection), CONFIG.base_dir)


(
    test_the_families_are_negative,
    test_neutral_questions_and_praise_are_not,
    test_the_anchored_scan_finds_what_the_plain_patterns_find,
    test_a_complaint_asked_is_no_question_to_answer,
) = family_checks(FLAGGED, CLEAN)
