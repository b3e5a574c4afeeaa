"""Families grown in the dev14/dev15 round and the reports, sources, advice and goods that name
the same words: members written here (not the development rows) are flagged in their
category; clean sentences built from the same words stay clean."""

from __future__ import annotations

import pytest

from monitor.detect.detector import LexiconDetector
from tests.detect_support import cats, shipped_detector, split_categories


@pytest.fixture(scope="module")
def detector() -> LexiconDetector:
    return shipped_detector()


@pytest.mark.parametrize(
    ("text", "scope", "category"),
    [
        # contact: code words, the host's phone, "not here", follow-backs, second accounts
        ("要优惠的私信暗号666", "comment", "contact_diversion"),
        ("老板的手机号多少，我下次直接找你", "comment", "contact_diversion"),
        ("公屏不方便说，回关我私聊", "comment", "contact_diversion"),
        ("回关一下细聊", "comment", "contact_diversion"),
        ("sx我拿低价", "comment", "contact_diversion"),
        ("号要是被封了就来我小号", "comment", "contact_diversion"),
        ("这个号被封了去那边找我们", "speech", "contact_diversion"),
        ("vx同手机号，随时打", "comment", "contact_diversion"),
        ("💚同📱", "comment", "contact_diversion"),
        ("🟢🫧聊，这边不方便", "comment", "contact_diversion"),
        ("头像点进去有链接", "comment", "contact_diversion"),
        ("联系方式见主页", "comment", "contact_diversion"),
        ("群号在简介", "comment", "contact_diversion"),
        ("拉你进红包群", "comment", "contact_diversion"),
        ("QQ Ⅲ Ⅸ Ⅶ Ⅱ Ⅷ Ⅵ Ⅳ Ⅱ Ⅸ", "comment", "contact_diversion"),
        ("∨х：tea_lover99", "comment", "contact_diversion"),
        # other platforms by half-Latin names, by their logos with a search, where one buys
        ("抖y搜我的店", "comment", "contact_diversion"),
        ("夕夕上便宜二十", "comment", "contact_diversion"),
        ("🎵上搜同名", "comment", "contact_diversion"),
        ("去🐟上拍，二手九成新", "comment", "contact_diversion"),
        # fraud: claims run by someone who tells you what to do, cards posted, pay first
        ("快递丢了可以理赔，按我说的操作就行", "comment", "fraud"),
        ("搜理赔中心小程序", "comment", "fraud"),
        ("中奖的把银行卡号发给客服", "speech", "fraud"),
        ("扫我的收款码，便宜五十", "comment", "fraud"),
        ("先💸后📦", "comment", "fraud"),
        ("黑户也能下卡，百分百下卡", "comment", "fraud"),
        ("验证码念一下我帮你退", "comment", "fraud"),
        ("别在平台付款，私下转更便宜", "comment", "fraud"),
        ("金手镯只要金价一半", "comment", "fraud"),
        # abuse
        ("丑得我吃不下饭", "comment", "abuse"),
        ("你会不会说人话", "comment", "abuse"),
        ("满嘴喷粪", "comment", "abuse"),
        ("主播就是头蠢猪", "comment", "abuse"),
        ("没素质的乡巴佬别来", "comment", "abuse"),
        # prohibited
        ("押大押小，十分钟一局", "comment", "prohibited"),
        ("今晚八点开盘，押大赔双", "speech", "prohibited"),
        ("充电器里藏的摄像头有吗", "comment", "prohibited"),
        ("能监控老公微信聊天记录的软件", "comment", "prohibited"),
        ("出实名卡，随便用", "comment", "prohibited"),
        ("一次性电子烟哪里买", "comment", "prohibited"),
        ("🪪办理，三天出", "comment", "prohibited"),
        # advertising law in the host's speech
        ("别家的都是香精勾兑的", "speech", "ad_law"),
        ("那个就是智商税", "speech", "ad_law"),
        ("这款精华有药用效果", "speech", "ad_law"),
        ("祛斑一次见效", "speech", "ad_law"),
        ("高血压都能调理好", "speech", "ad_law"),
        ("这款茶喝了养肝护胃不伤肝", "speech", "ad_law"),
        ("吃一个月能恢复视力", "speech", "ad_law"),
        ("消协推荐的放心买", "speech", "ad_law"),
        ("我们家的蜂蜜最纯正", "speech", "ad_law"),
        ("以后再也没有了家人们", "speech", "ad_law"),
    ],
)
def test_dev14_families_are_flagged(
    detector: LexiconDetector, text: str, scope: str, category: str
) -> None:
    assert category in cats(detector, text, scope)


CLEAN = [
    # reports, warnings and refusals with the same words
    ("那个说兼职的别理，都是套路", "comment"),
    ("我爸差点被刷单骗了，提醒大家看好家里老人", "comment"),
    ("有人说进群能领钱，别去", "comment"),
    ("说要先交押金才发奖的都是假的", "comment"),
    ("私信我的那个假客服我已经报警了", "comment"),
    ("看到卖假证的就举报", "comment"),
    ("我们官方不会私下找你转账", "speech"),
    # where a viewer came across the room, and the goods popular elsewhere
    ("小红书上刷到你们的", "comment"),
    ("这是抖音上很火的那个杯子吗", "comment"),
    # the same words about goods, oneself and ordinary life
    ("🐧好可爱，买给女儿", "comment"),
    ("企鹅好萌啊", "comment"),
    ("绿色泡泡机还有货吗", "comment"),
    ("客服电话多少，我的快递丢了", "comment"),
    ("小号的衣服还有吗", "comment"),
    ("我的手机号换了，怎么改收货信息", "comment"),
    ("头像是你家猫吗", "comment"),
    ("iPhone Ⅱ代的壳有吗", "comment"),
    ("📦已收到，很满意", "comment"),
    ("快递丢了怎么理赔", "comment"),
    ("理赔多久到账", "comment"),
    ("这头猪养了一年吧，肉真好", "comment"),
    ("我是乡下人，第一次买这个", "comment"),
    ("押金多少", "comment"),
    ("几点开盘抢购", "comment"),
    ("摄像头能装在门口吗", "comment"),
    ("电子烟能带上高铁吗", "comment"),
    ("金价一克多少钱", "comment"),
    # the host's honest speech with the same words
    ("最好先量一下脚长再拍", "speech"),
    ("最好的办法是先试用一下小样", "speech"),
    ("小米粥比较清淡", "speech"),
    ("近视的姐妹戴这款框架很轻", "speech"),
    ("我们是消协会员单位，有问题找客服", "speech"),
    ("这个价格是这次活动的", "speech"),
]


@pytest.mark.parametrize(("text", "scope"), CLEAN)
def test_dev14_look_alikes_stay_clean(detector: LexiconDetector, text: str, scope: str) -> None:
    assert cats(detector, text, scope) == set()


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        # a comment that is the cue alone carries it to the number in the next comments
        (["扣", "扣", "3958", "271046"], {"contact_diversion"}),
        (["薇", "tea_lover99"], {"contact_diversion"}),
        # the same single character before an order's quantity or a size stays clean
        (["扣", "扣子掉了两颗"], set()),
        (["v", "领口多大"], set()),
    ],
)
def test_a_cue_typed_alone_opens_the_users_window(
    detector: LexiconDetector, parts: list[str], expected: set[str]
) -> None:
    assert split_categories(detector, parts) == expected
