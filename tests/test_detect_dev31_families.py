"""Families grown in the dev31/dev32 round and the advice, repeated questions and platform
talk that name the same words: members written here (not the development rows) are flagged
in their category; clean sentences built from the same words stay clean."""

from __future__ import annotations

import pytest

from monitor.detect.detector import LexiconDetector
from tests.detect_support import cats, shipped_detector


@pytest.fixture(scope="module")
def detector() -> LexiconDetector:
    return shipped_detector()


@pytest.mark.parametrize(
    ("text", "scope", "category"),
    [
        ("我们的小程序一搜就有，价格更低", "speech", "contact_diversion"),
        ("要货的聯繫我電話", "comment", "contact_diversion"),
        ("想要的把手机号留在公屏", "speech", "contact_diversion"),
        ("抽到的宝宝运费给我转一下就发", "speech", "fraud"),
        ("这批货当zp卖的，懂的来", "comment", "fraud"),
        ("退款私下处理，快", "comment", "fraud"),
        ("拍下找我改价", "comment", "fraud"),
        ("退货别走平台，走微信退款", "comment", "fraud"),
        ("主播长得真磕碜", "comment", "abuse"),
        ("房管无马，乱禁言", "comment", "abuse"),
        ("客服是死人吗，一直不回", "comment", "abuse"),
        ("垃圾主播滚", "comment", "abuse"),
        ("我知道你家在哪，等着", "comment", "abuse"),
        ("要香烟的拍这个链接备注", "speech", "prohibited"),
        ("免税的香烟，一条九十", "comment", "prohibited"),
        ("戴一个月近视就能恢复", "speech", "ad_law"),
        ("国家免检产品，放心买", "speech", "ad_law"),
        ("用完头发永远不掉", "speech", "ad_law"),
    ],
)
def test_dev31_families_are_flagged(
    detector: LexiconDetector, text: str, scope: str, category: str
) -> None:
    assert category in cats(detector, text, scope)


CLEAN = [
    ("主播说了不加微信，有问题找平台客服", "comment"),
    ("来点小黄鱼，清蒸", "comment"),
    ("这把刀算不算管制刀具，能寄吗", "comment"),
    ("快手老铁来报到", "comment"),
    ("在快手关注了你三年了", "comment"),
    ("天热了大家最好放冰箱里", "speech"),
    ("有人问可以治失眠吗，我们这是枕头不是药", "speech"),
    ("这是我们家最好穿的鞋", "comment"),
]


@pytest.mark.parametrize(("text", "scope"), CLEAN)
def test_dev31_look_alikes_stay_clean(detector: LexiconDetector, text: str, scope: str) -> None:
    assert cats(detector, text, scope) == set()
