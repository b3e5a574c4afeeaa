"""Families grown in the dev41/dev42 round: members written here (not the development rows)
are flagged in their category; clean sentences built from the same words stay clean."""

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
        ("有能偷偷定位老公的吗", "comment", "prohibited"),
        ("收野生八哥", "comment", "prohibited"),
        ("水光针小样出，在家就能打", "comment", "prohibited"),
        ("有测速干扰器吗", "comment", "prohibited"),
        ("德州透视挂有没有", "comment", "prohibited"),
        ("包金的当千足金卖", "comment", "fraud"),
        ("监管机当全新出", "comment", "fraud"),
        ("我知道你在哪个小区，你等着", "comment", "abuse"),
        ("再不退款就把你家住址曝光", "comment", "abuse"),
        ("出来约一次多少钱", "comment", "abuse"),
        ("我朋友圈有同款，便宜", "comment", "contact_diversion"),
        ("来闲鱼找我，挂着呢", "comment", "contact_diversion"),
        ("这个价这辈子都买不到了", "speech", "ad_law"),
        ("教授都在吃我们这款", "speech", "ad_law"),
        ("喝了能提高智商", "speech", "ad_law"),
        ("这款以后永久停产", "speech", "ad_law"),
        ("别家的都是香精泡的", "speech", "ad_law"),
        # dev43/dev44 round
        ("美女身材真好，晚上出来玩吗", "comment", "abuse"),
        ("陪一晚多少钱", "comment", "abuse"),
        ("再差评就把你个人信息曝光", "comment", "abuse"),
        ("扩容机当原装出，验不出", "comment", "fraud"),
        ("盗版书当正版卖", "comment", "fraud"),
        ("抢到福袋的先付邮费", "comment", "fraud"),
        ("医院排不上号，胰岛素有卖吗", "comment", "prohibited"),
        ("有信号屏蔽器吗", "comment", "prohibited"),
        ("交警都在用这款记录仪", "speech", "ad_law"),
        ("别家的奶瓶都是有毒的", "speech", "ad_law"),
        ("平台不让说，扣1我挨个私信", "speech", "contact_diversion"),
        ("主播有whatsapp吗", "comment", "contact_diversion"),
    ],
)
def test_dev41_families_are_flagged(
    detector: LexiconDetector, text: str, scope: str, category: str
) -> None:
    assert category in cats(detector, text, scope)


CLEAN = [
    ("不要加任何人的私人微信，售后找平台", "speech"),
    ("粉丝灯牌那里加群吗", "comment"),
    ("求多上点库存", "comment"),
    ("好多老人问能不能治病，不能", "speech"),
    ("看到唯品会三个字就笑了", "comment"),
    ("罂粟红这个色号好看", "comment"),
    ("我同事之前被骗了押金，日结兼职别信", "comment"),
    ("小薯条好香", "comment"),
    ("别的家人说抽中了要交运费，我们抽奖不收钱", "speech"),
    ("有人被加微信的骗过吗，千万别私下转账", "comment"),
    ("这本绘本里有枪吗，孩子怕", "comment"),
    ("我在QQ空间晒过同款", "comment"),
    ("它不是翡翠里最贵的，但是好看", "speech"),
]


@pytest.mark.parametrize(("text", "scope"), CLEAN)
def test_dev41_look_alikes_stay_clean(detector: LexiconDetector, text: str, scope: str) -> None:
    assert cats(detector, text, scope) == set()
