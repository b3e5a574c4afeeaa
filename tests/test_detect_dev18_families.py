"""Families grown in the dev18/dev19 round and the warnings, sources and ordinary goods that
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
        ("打开小程序领券再下单", "comment", "contact_diversion"),
        ("别点小黄车了，找我", "comment", "contact_diversion"),
        ("走我自己渠道便宜一百", "comment", "contact_diversion"),
        ("不走平台省手续费，私我", "comment", "contact_diversion"),
        ("群里有内部价", "comment", "contact_diversion"),
        ("水果群 5739128", "comment", "contact_diversion"),
        ("价格在我煮页", "comment", "contact_diversion"),
        ("加我wechat聊", "comment", "contact_diversion"),
        ("飞天茅台，就是没票，五百一瓶", "comment", "fraud"),
        ("转账优惠二十", "comment", "fraud"),
        ("先垫后返，一单五块", "comment", "fraud"),
        ("汇款到我账户，货到补尾款", "comment", "fraud"),
        ("把短信里的数字报给我", "comment", "fraud"),
        ("带你炒币，一个月翻倍", "comment", "fraud"),
        ("温州人又来骗人了，看好钱包", "comment", "abuse"),
        ("楼上八婆", "comment", "abuse"),
        ("烟弹一盒三颗，口味齐", "comment", "prohibited"),
        ("六合彩内部码", "comment", "prohibited"),
        ("超a劳力士，走水货", "comment", "prohibited"),
        ("用完这一盒，斑全没了", "speech", "ad_law"),
        ("我们这款比他们的好太多了，他们那个真的垃圾", "speech", "ad_law"),
        ("鱼油能预防脑梗", "speech", "ad_law"),
        ("错过终身遗憾", "speech", "ad_law"),
    ],
)
def test_dev18_families_are_flagged(
    detector: LexiconDetector, text: str, scope: str, category: str
) -> None:
    assert category in cats(detector, text, scope)


CLEAN = [
    ("别去什么别的平台了，就在这买", "comment"),
    ("在小红书看了测评才来的", "comment"),
    ("预售是先付款后发货吗", "comment"),
    ("退款要我转账？不对劲吧", "comment"),
    ("我是你的脑残粉", "comment"),
    ("听朋友说有杀猪盘，大家注意", "comment"),
    ("穿山甲是保护动物，卖的都该举报", "comment"),
    ("这款裤子最大到四XL", "speech"),
    ("是正品吗，有没有防伪码", "comment"),
    ("说是正品，为什么没有防伪码", "comment"),
    ("电子烟不是不让在直播间卖吗", "comment"),
    ("客服电话多少", "comment"),
    ("群主什么时候发货", "comment"),
    ("微信小程序里的订单能退吗", "comment"),
    ("河南人，支持主播", "comment"),
    ("这个颜色斑斓的杯子好看", "comment"),
]


@pytest.mark.parametrize(("text", "scope"), CLEAN)
def test_dev18_look_alikes_stay_clean(detector: LexiconDetector, text: str, scope: str) -> None:
    assert cats(detector, text, scope) == set()
