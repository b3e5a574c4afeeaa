"""Families grown in the dev22-dev24 round (claims in the host's speech, scams typed plainly,
insults without a listed word) and the advice, reports and owners' banter that name the same
words: members written here (not the development rows) are flagged in their category; clean
sentences built from the same words stay clean."""

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
        ("这块普洱存五年翻倍，比存银行强多了", "speech", "ad_law"),
        ("金价只涨不跌，现在买就是赚", "speech", "ad_law"),
        ("这个腰带不瘦包退，放心拍", "speech", "ad_law"),
        ("这口锅终身不生锈", "speech", "ad_law"),
        ("过了今天就再也买不到了", "speech", "ad_law"),
        ("这批卖完茶厂就停产了", "speech", "ad_law"),
        ("这个价格以后不会再有了", "speech", "ad_law"),
        ("外面超市卖的全是勾兑的，我们家是纯粮", "speech", "ad_law"),
        ("只有我们家才是真正的原装进口", "speech", "ad_law"),
        ("孩子喝了这个奶能补脑", "speech", "ad_law"),
        ("坚持喝两个月血压降到正常", "speech", "ad_law"),
        ("纳豆能清理血管", "speech", "ad_law"),
        ("北大教授都推荐这套书", "speech", "ad_law"),
        ("中奖的朋友缴个税就发货", "comment", "fraud"),
        ("没抽中的交押金可以补抽一次", "comment", "fraud"),
        ("理赔要先开通借款额度才能到账", "comment", "fraud"),
        ("再做两单才能提现哦", "comment", "fraud"),
        ("跟着导师炒了三个月，翻了一倍", "comment", "fraud"),
        ("这个币保证涨五倍", "comment", "fraud"),
        ("捐款打给我，我统一捐", "comment", "fraud"),
        ("麻烦先确认收货，我们马上发", "comment", "fraud"),
        ("专柜流出的包，价格美丽", "comment", "fraud"),
        ("验证码打在评论区我帮你查", "comment", "fraud"),
        ("你的包裹被海关扣了，要交税才放行", "comment", "fraud"),
        ("抖币可以折现，找我", "comment", "fraud"),
        ("售后别找平台，加我们私人客服", "comment", "fraud"),
        ("老阿姨还装嫩呢", "comment", "abuse"),
        ("场控是瞎了吗", "comment", "abuse"),
        ("一窝骗子，赶紧关门", "comment", "abuse"),
        ("疯婆子一样嚷嚷", "comment", "abuse"),
        ("给脸不要脸是吧", "comment", "abuse"),
        ("诅咒你们家发不出货", "comment", "abuse"),
        ("出手机监听，能查对象的聊天记录", "comment", "prohibited"),
        ("想要便宜的去我们公众号里下单", "speech", "contact_diversion"),
    ],
)
def test_dev22_families_are_flagged(
    detector: LexiconDetector, text: str, scope: str, category: str
) -> None:
    assert category in cats(detector, text, scope)


CLEAN = [
    ("这款茶最好用八十度的水泡", "speech"),
    ("黄金不保证升值，喜欢再买", "speech"),
    ("羊绒最好的保养就是少洗", "speech"),
    ("这个保温杯最大的亮点就是轻", "speech"),
    ("举报楼上，一直在发兼职刷单", "comment"),
    ("傻瓜式操作，老人也会用", "comment"),
    ("烟雾报警器有现货吗", "comment"),
    ("我家狗狗真是个傻狗，见人就摇尾巴", "comment"),
    ("快手小店的订单怎么改地址", "comment"),
    ("有人问能不能加微信，不可以哦，有事找客服", "speech"),
    ("平台不让在直播间留联系方式", "speech"),
    ("又来蹲你的直播了", "comment"),
]


@pytest.mark.parametrize(("text", "scope"), CLEAN)
def test_dev22_look_alikes_stay_clean(detector: LexiconDetector, text: str, scope: str) -> None:
    assert cats(detector, text, scope) == set()
