"""Families grown in the dev33/dev34 round and the refusals, reports, diets and pets that
name the same words: members written here (not the development rows) are flagged in their
category; clean sentences built from the same words stay clean."""

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
        ("新款都在我朋友圈，去看", "comment", "contact_diversion"),
        ("把微信号挂屏幕上吧", "comment", "contact_diversion"),
        ("进我团购群，价格更低", "comment", "contact_diversion"),
        ("没抢到的来我们另一个店", "speech", "contact_diversion"),
        ("私信我拿群号", "comment", "contact_diversion"),
        ("车险出险了我帮你骗保", "comment", "fraud"),
        ("一群农村人懂什么", "comment", "abuse"),
        ("垃扱客服", "comment", "abuse"),
        ("有小黄片吗", "comment", "prohibited"),
        ("百草枯还有货吗", "comment", "prohibited"),
        ("有冰吗，熬夜用", "comment", "prohibited"),
        ("咖啡里加了他达拉非", "speech", "prohibited"),
        ("这个护腰能矫正驼背", "speech", "ad_law"),
        ("体育总局推荐的运动饮料", "speech", "ad_law"),
    ],
)
def test_dev33_families_are_flagged(
    detector: LexiconDetector, text: str, scope: str, category: str
) -> None:
    assert category in cats(detector, text, scope)


CLEAN = [
    ("这个面膜不能治病，过敏请去医院", "speech"),
    ("我们不加任何私人微信，售后找平台", "speech"),
    ("刚才问能不能私下交易的朋友，不行哦", "speech"),
    ("京东上买的放心，有保障", "comment"),
    ("在拼多多买过好几次了", "comment"),
    ("我家狗子真是个憨憨", "comment"),
    ("京东同款要贵二十", "comment"),
    ("减脂餐有推荐吗", "comment"),
    ("喂新粮要慢慢换", "comment"),
    ("冰箱里有冰吗", "comment"),
]


@pytest.mark.parametrize(("text", "scope"), CLEAN)
def test_dev33_look_alikes_stay_clean(detector: LexiconDetector, text: str, scope: str) -> None:
    assert cats(detector, text, scope) == set()
