"""Families grown in the dev39/dev40 round (free wording of fraud, abuse, prohibited goods and
advertising claims; contacts hidden in pinned comments; +86 numbers): members written here
(not the development rows) are flagged in their category; clean sentences built from the
same words stay clean."""

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
        ("抽中的家人付一下鉴定费就发货", "speech", "fraud"),
        ("订单异常了，麻烦重新支付一下", "comment", "fraud"),
        ("你误开通了会员，每月扣费，按我说的操作取消", "comment", "fraud"),
        ("挂机赚钱日结，入会费九十九", "comment", "fraud"),
        ("教你仅退款的技巧，货不用寄回", "comment", "fraud"),
        ("菠菜平台内部路子，稳赚", "comment", "fraud"),
        ("一比一复刻的包，专柜都看不出", "comment", "fraud"),
        ("长了个克夫相", "comment", "abuse"),
        ("一身穷酸样还来买", "comment", "abuse"),
        ("键盘侠给我闭嘴", "comment", "abuse"),
        ("我查到你了，你等着", "comment", "abuse"),
        ("有没有冰，自己用", "comment", "prohibited"),
        ("米非司酮哪里买", "comment", "prohibited"),
        ("有听话水吗", "comment", "prohibited"),
        ("仿真枪改装一下能打穿", "comment", "prohibited"),
        ("这个奶粉宝宝喝了不生病", "speech", "ad_law"),
        ("我拿人格担保，绝对有效", "speech", "ad_law"),
        ("用完秃头都能长出头发", "speech", "ad_law"),
        ("隔壁那家卖的全是工业糖精", "speech", "ad_law"),
        ("vx在我置顶评论里", "comment", "contact_diversion"),
        ("+86 13912345678", "comment", "contact_diversion"),
        ("彳敫亻言 lanlan1203", "comment", "contact_diversion"),
    ],
)
def test_dev39_families_are_flagged(
    detector: LexiconDetector, text: str, scope: str, category: str
) -> None:
    assert category in cats(detector, text, scope)


CLEAN = [
    ("官方说的，让你私下转账的千万不要转", "speech"),
    ("有人说我抽中了要交邮费，我没理他", "comment"),
    ("被拉进一个什么返利群，果断退了", "comment"),
    ("闲置的只能挂闲鱼了", "comment"),
    ("评论是不是刷单刷出来的", "comment"),
    ("玳瑁色的镜框好看", "comment"),
    ("订单号8613912345678", "comment"),
]


@pytest.mark.parametrize(("text", "scope"), CLEAN)
def test_dev39_look_alikes_stay_clean(detector: LexiconDetector, text: str, scope: str) -> None:
    assert cats(detector, text, scope) == set()


@pytest.mark.parametrize(
    "parts",
    [("企", "鹅", "3094", "72816"), ("微", "信", "lan", "lan1203"), ("扣", "扣", "58102", "9374")],
)
def test_a_cue_spelled_over_comments_opens_the_window(
    detector: LexiconDetector, parts: tuple[str, ...]
) -> None:
    user = "u-" + "".join(parts)
    found = [detector.analyze(p, "comment", user, float(i)).sensitive for i, p in enumerate(parts)]
    assert any(f.category == "contact_diversion" for flagged in found for f in flagged)
    assert not found[0] and not found[1]  # the cue alone flags nothing


def test_a_split_cue_without_a_number_flags_nothing(detector: LexiconDetector) -> None:
    parts = ("企", "鹅", "玩偶", "还有吗")
    found = [
        detector.analyze(p, "comment", "u-penguin", float(i)).sensitive for i, p in enumerate(parts)
    ]
    assert found == [[], [], [], []]
