"""Families grown in the dev28-dev30 round and the platform questions, reports and refusals
that name the same words: members written here (not the development rows) are flagged in
their category; clean sentences built from the same words stay clean."""

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
        ("鱼竿要的话电话留给你了", "comment", "contact_diversion"),
        ("国外的姐妹来telegram聊", "comment", "contact_diversion"),
        ("拉你进内部群，价格更低", "comment", "contact_diversion"),
        ("别拍了，找我私下拿", "comment", "contact_diversion"),
        ("卫星发我，我要二十件", "comment", "contact_diversion"),
        ("球球号私你了", "comment", "contact_diversion"),
        ("同款去多多搜", "comment", "contact_diversion"),
        ("扣扣 2Z8S9lO47", "comment", "contact_diversion"),
        ("售后慢就加qq找平台客服", "comment", "fraud"),
        ("交二十元入会费就能抢红包", "comment", "fraud"),
        ("巾奖了，快领", "comment", "fraud"),
        ("退款别走平台，我直接转你", "comment", "fraud"),
        ("要隐藏款的私下交定金", "speech", "fraud"),
        ("湖南人卖的东西能信吗", "comment", "abuse"),
        ("你这个龟蛋", "comment", "abuse"),
        ("老头子瞎死算了", "comment", "abuse"),
        ("装什么装，假洋鬼子", "comment", "abuse"),
        ("等着，我到你们公司找你", "comment", "abuse"),
        ("有毒鱼药卖吗", "comment", "prohibited"),
        ("没效果全额退，放心用", "speech", "ad_law"),
        ("这款是全网绝版", "speech", "ad_law"),
        ("喝了能减肥，一个月十斤", "speech", "ad_law"),
        ("戴上视力能恢复", "speech", "ad_law"),
        ("五分钟后恢复原价", "speech", "ad_law"),
        ("吃三个月结节都消失了", "speech", "ad_law"),
        ("这支口红永不掉色", "speech", "ad_law"),
        ("这个精华能替代水光针", "speech", "ad_law"),
    ],
)
def test_dev28_families_are_flagged(
    detector: LexiconDetector, text: str, scope: str, category: str
) -> None:
    assert category in cats(detector, text, scope)


CLEAN = [
    ("抖音商城下单能开发票吗", "comment"),
    ("京东旗舰店有运费险吗", "comment"),
    ("在快手刷到这个直播间就进来了", "comment"),
    ("小红书上看到有人说这个好用", "comment"),
    ("京东上的贵多了，还是这里便宜", "comment"),
    ("主播说公屏扣号，我扣了", "comment"),
    ("有人说加微信，我们是不加的，只在这里卖", "speech"),
    ("有人要找我私下买，我们不做私下交易", "speech"),
    ("是不是最便宜的我不敢说，但是质量好", "speech"),
    ("刚才那条加V的是广告，别加", "comment"),
    ("这款香水叫鸦片，很经典", "comment"),
    ("卫星电视的锅还卖吗", "comment"),
    ("订单号2024120788", "comment"),
]


@pytest.mark.parametrize(("text", "scope"), CLEAN)
def test_dev28_look_alikes_stay_clean(detector: LexiconDetector, text: str, scope: str) -> None:
    assert cats(detector, text, scope) == set()
