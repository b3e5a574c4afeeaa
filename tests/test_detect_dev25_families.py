"""Families grown in the dev25-dev27 round (contacts hinted without a keyword, insults by
disability, region or schooling, the host's speech) and the refusals, warnings and pet names
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
        ("第三个视频评论区有我留的", "comment", "contact_diversion"),
        ("实拍图去看我的小号", "comment", "contact_diversion"),
        ("同城的可以线下交易", "comment", "contact_diversion"),
        ("号码在我签名里，看我签名后面那串", "comment", "contact_diversion"),
        ("每天新款都在我朋友圈更新", "comment", "contact_diversion"),
        ("邮箱写在背景图上了", "comment", "contact_diversion"),
        ("联系方式发一下，我要团", "comment", "contact_diversion"),
        ("关注公主号领优惠", "comment", "contact_diversion"),
        ("禾ム我，便宜给你", "comment", "contact_diversion"),
        ("要茶饼的直接来我们茶山上买", "speech", "contact_diversion"),
        ("快首搜我名字", "comment", "contact_diversion"),
        ("📲加一下，发实拍", "comment", "contact_diversion"),
        ("中将了，快去领奖品", "comment", "fraud"),
        ("这是翻新机，但我们按全新卖", "speech", "fraud"),
        ("尾款转我就行，不用走平台", "comment", "fraud"),
        ("别问为什么这么便宜，放心拍", "speech", "fraud"),
        ("点我发的链接领补贴", "speech", "fraud"),
        ("矮子也配穿长裙", "comment", "abuse"),
        ("客服耳朵聋了吗", "comment", "abuse"),
        ("九年义务教育白上了吧", "comment", "abuse"),
        ("女人就该在家带孩子", "comment", "abuse"),
        ("等着，我把你人肉出来", "comment", "abuse"),
        ("有人玩牛牛吗，一把五百", "comment", "prohibited"),
        ("快币可以变现，找我", "comment", "fraud"),
        ("有安眠药片卖吗", "comment", "prohibited"),
        ("免税烟两条起发", "speech", "prohibited"),
        ("这个画眉是野外抓来的", "speech", "prohibited"),
        ("这个课程保证你考过", "speech", "ad_law"),
        ("这个面霜用了永远不长斑", "speech", "ad_law"),
    ],
)
def test_dev25_families_are_flagged(
    detector: LexiconDetector, text: str, scope: str, category: str
) -> None:
    assert category in cats(detector, text, scope)


CLEAN = [
    ("我在京东上买过你们家的锅，很好用", "comment"),
    ("私信主播了，等回复", "comment"),
    ("小黄鱼干怎么吃", "comment"),
    ("我抖音账号等级太低了", "comment"),
    ("我们不拉群，有事在平台说", "speech"),
    ("我们所有订单都走平台，不私下交易", "speech"),
    ("不能说能减肥，这是零食", "speech"),
    ("你个小傻瓜，优惠券在左下角", "comment"),
    ("小心刷单骗局，别信", "comment"),
    ("理财产品收益不保证，请看条款", "speech"),
    ("这是我穿过最舒服的拖鞋", "speech"),
    ("恭喜中奖的宝宝们，平台自动发货", "speech"),
]


@pytest.mark.parametrize(("text", "scope"), CLEAN)
def test_dev25_look_alikes_stay_clean(detector: LexiconDetector, text: str, scope: str) -> None:
    assert cats(detector, text, scope) == set()
