"""Families grown in the dev20/dev21 round and the recounts, comparisons and set phrases that
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
        ("老板电话给一下，我团购", "comment", "contact_diversion"),
        ("客服的手机号私发我", "comment", "contact_diversion"),
        ("想要的佳vx", "comment", "contact_diversion"),
        ("这耳机去🐟上搜，便宜一半", "comment", "contact_diversion"),
        ("二手的到转转上买", "comment", "contact_diversion"),
        ("尾款私下转给我就行", "comment", "fraud"),
        ("先拍定金，差价微信补", "comment", "fraud"),
        ("这帮穷鬼就知道白看", "comment", "abuse"),
        ("白嫖怪赶紧滚", "comment", "abuse"),
        ("你🈚🐎吧", "comment", "abuse"),
        ("死老头子别刷屏", "comment", "abuse"),
        ("你胖得像头猪还穿这个", "comment", "abuse"),
        ("纯纯奸商，一件赚三百", "comment", "abuse"),
        ("女干商主播，退钱", "comment", "abuse"),
        ("有悦刻吗，要薄荷味", "comment", "prohibited"),
        ("能上点烟弹吗", "comment", "prohibited"),
        ("下单满三单赠两包中华", "speech", "prohibited"),
        ("大马私我，叶子自家种的", "comment", "prohibited"),
        ("福利资源打包出", "comment", "prohibited"),
        ("这个是航天专用的材料做的保温杯", "speech", "ad_law"),
        ("倒计时结束马上涨价", "speech", "ad_law"),
        ("下一秒就下架了姐妹们", "speech", "ad_law"),
        ("这个眼霜能去除全部细纹", "speech", "ad_law"),
        ("喝三个月年轻十岁", "speech", "ad_law"),
        ("这个漱口水能根治牙周炎", "speech", "ad_law"),
        ("用了再也不用看医生", "speech", "ad_law"),
        ("扣扣 12:30 2847163950", "comment", "contact_diversion"),
    ],
)
def test_dev20_families_are_flagged(
    detector: LexiconDetector, text: str, scope: str, category: str
) -> None:
    assert category in cats(detector, text, scope)


CLEAN = [
    ("我在京东商城买过你们家的锅", "comment"),
    ("支持抖音先用后付吗", "comment"),
    ("从b站上追了好久，第一次来直播间", "comment"),
    ("主播在快手发的视频我都看了", "comment"),
    ("骑手给我打电话说放门口了", "comment"),
    ("申请了仅退款，客服同意了", "comment"),
    ("我家的狗比猫还能吃", "comment"),
    ("我姐妹被骗过，刷单的都别信", "comment"),
    ("我邻居上次被冒充客服的骗了三千，大家小心", "comment"),
    ("有人收到假冒快递的短信吗，说包裹丢了", "comment"),
    ("出去转转看看再回来买", "comment"),
    ("大码的有吗，一百六十斤", "comment"),
    ("这件最大的优点就是不起球", "speech"),
    ("我不能说这个是最好的，但是性价比很高", "speech"),
    ("一群朋友一起来买的", "comment"),
    ("我家狗子长得像小熊", "comment"),
    # A clock time or a date joined by the fold is no number to reach.
    ("客服电话从10：30打到现在一直占线", "comment"),
    ("客服电话里说2024-12-12 20:00开抢", "comment"),
]


@pytest.mark.parametrize(("text", "scope"), CLEAN)
def test_dev20_look_alikes_stay_clean(detector: LexiconDetector, text: str, scope: str) -> None:
    assert cats(detector, text, scope) == set()
