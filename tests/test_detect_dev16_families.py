"""Families grown in the dev16/dev17 round and the refusals, disclaimers and ordinary goods
that name the same words: members written here (not the development rows) are flagged in
their category; clean sentences built from the same words stay clean."""

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
        # fraud: refunds by a specialist to a card, card and code, customs, no genuine price
        ("退款直接打到银行卡，加一下我们退款专员", "speech", "fraud"),
        ("麻烦提供卡号和验证码，马上赔付", "comment", "fraud"),
        ("包裹被海关扣了，每位补三十清关费转给我", "speech", "fraud"),
        ("全新国行苹果手机只要四百九", "speech", "fraud"),
        ("迪奥口红今天九块九包邮，专柜正品", "speech", "fraud"),
        ("下载这个app，十分钟放款", "comment", "fraud"),
        ("刷单任务去tg找派单员", "comment", "fraud"),
        # contact: the same goods here, groups, DingTalk, QQ space, official accounts
        ("一样的我这边有，私我便宜一半", "comment", "contact_diversion"),
        ("拉个群吧，买过的都进来", "comment", "contact_diversion"),
        ("私聊给你底价", "comment", "contact_diversion"),
        ("丁丁找我，发你目录", "comment", "contact_diversion"),
        ("去我qq空间看相册", "comment", "contact_diversion"),
        ("关注我们的公众号回复福利", "comment", "contact_diversion"),
        ("需要的戳我", "comment", "contact_diversion"),
        ("vx在简介里", "comment", "contact_diversion"),
        ("拉你进裙，裙里便宜", "comment", "contact_diversion"),
        ("这个价上不了，去我们小号那边下单", "speech", "contact_diversion"),
        # abuse
        ("一脸褶子还敢卖面霜", "comment", "abuse"),
        ("我去年买了个表", "comment", "abuse"),
        ("打扮得跟个鸡似的", "comment", "abuse"),
        ("客服智商为零", "comment", "abuse"),
        # prohibited
        ("烟花直接走快递，不用备案", "speech", "prohibited"),
        ("福袋里有两条软中华", "speech", "prohibited"),
        ("能打钢珠的那种有吗", "comment", "prohibited"),
        ("有枪卖吗", "comment", "prohibited"),
        # advertising law in the host's speech
        ("用了这个永远不会长斑", "speech", "ad_law"),
        ("别家的湿巾全是荧光剂", "speech", "ad_law"),
        ("喝这个茶肝病能好一大半", "speech", "ad_law"),
        ("穿这个内衣能预防乳腺癌", "speech", "ad_law"),
    ],
)
def test_dev16_families_are_flagged(
    detector: LexiconDetector, text: str, scope: str, category: str
) -> None:
    assert category in cats(detector, text, scope)


CLEAN = [
    # refusals, warnings and disclaimers with the same words
    ("我不去别的平台，就在直播间买", "comment"),
    ("私下交易没保障，还是在这拍", "comment"),
    ("别信什么退款要验证码的，都是骗人的", "comment"),
    ("有人盗用我们的视频去别的平台卖，那些都不是我们", "speech"),
    # the same words in ordinary life and goods
    ("客服说会打电话给我", "comment"),
    ("亚马逊河流域的咖啡豆吗", "comment"),
    ("我家猫吃这个粮会不会软便", "comment"),
    ("退款多久到银行卡", "comment"),
    ("清关要几天", "comment"),
    ("苹果手机壳只要十九块", "comment"),
    ("烟花棒孩子能玩吗", "comment"),
    ("一条中华鲟的科普视频", "comment"),
    ("水枪仿真度高吗", "comment"),
    ("茶叶子要泡几遍", "comment"),
    ("我的公众号文章写得不好", "comment"),
    ("拉个群聊天的朋友圈照片", "comment"),
    ("这条裙子里面有衬裙吗", "comment"),
    ("这个鸡腿像个小鸡一样可爱", "comment"),
    ("防晒霜要多久补涂一次", "speech"),
]


@pytest.mark.parametrize(("text", "scope"), CLEAN)
def test_dev16_look_alikes_stay_clean(detector: LexiconDetector, text: str, scope: str) -> None:
    assert cats(detector, text, scope) == set()


def test_a_message_split_over_six_comments_is_joined(detector: LexiconDetector) -> None:
    assert split_categories(detector, ["收", "实", "名", "手", "机", "卡"]) == {"prohibited"}


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (["mall", ".top", "/x7Q"], {"contact_diversion"}),
        (["好看", ".", "哈哈"], set()),
        (["3.5", "cm", "够吗"], set()),
    ],
)
def test_a_link_typed_over_comments_is_read_as_typed(
    detector: LexiconDetector, parts: list[str], expected: set[str]
) -> None:
    assert split_categories(detector, parts) == expected
