"""Families grown in the dev11 round (plain wording, emoji, characters typed as their parts):
members written here (not the development rows) are flagged in their category; clean
sentences built from the same words stay clean."""

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
        # other apps by emoji and nickname, trading outside, e-mail and phone in plain words
        ("🍠主页有我", "comment", "contact_diversion"),
        ("狗东自营更便宜", "comment", "contact_diversion"),
        ("猫超买 比这便宜", "comment", "contact_diversion"),
        ("加个绿色 详聊", "comment", "contact_diversion"),
        ("电话在我简介 直接打", "comment", "contact_diversion"),
        ("给个邮箱 发你报价", "comment", "contact_diversion"),
        ("想买的找我拿 便宜", "comment", "contact_diversion"),
        ("咱走外面 不给平台抽", "comment", "contact_diversion"),
        ("搜我名字就能找到", "comment", "contact_diversion"),
        ("私我带走 不退不换", "comment", "contact_diversion"),
        ("手机号码留一下 我加你", "comment", "contact_diversion"),
        ("联系我拿货 厂家直发", "comment", "contact_diversion"),
        ("电话 l39O0l2345l 找我", "comment", "contact_diversion"),
        ("要货的拉亻尔进君羊", "comment", "contact_diversion"),
        # scams in everyday words and emoji
        ("退款要先扫码验证身份", "comment", "fraud"),
        ("交罚款就不封你号", "comment", "fraud"),
        ("学生也能借 五千秒到", "comment", "fraud"),
        ("确认收货前私下付我", "comment", "fraud"),
        ("红包要输入支付密码才到账", "comment", "fraud"),
        ("先交199激活会员名额", "comment", "fraud"),
        ("网贷不看征信 当天放款", "comment", "fraud"),
        ("内幕消息 跟我买必涨", "comment", "fraud"),
        ("推荐一人奖励五十", "comment", "fraud"),
        ("中了手机 付运费就能领取", "comment", "fraud"),
        ("点赞一单五块钱 日结", "comment", "fraud"),
        ("🅑🅒平台 带单", "comment", "fraud"),  # letters in negative circles
        ("🅱🅲网站 稳", "comment", "fraud"),  # and in negative squares
        ("🆓领 只要付个运费", "comment", "fraud"),
        # abuse: looks, threats, leering, death wished, animals, parts
        ("唱得跟要饭似的", "comment", "abuse"),
        ("回家照照镜子吧", "comment", "abuse"),
        ("一脸横肉还卖美容仪", "comment", "abuse"),
        ("看着就恶心 别播了", "comment", "abuse"),
        ("我知道你家在哪 等着", "comment", "abuse"),
        ("找人收拾你", "comment", "abuse"),
        ("主播扭一个给我看", "comment", "abuse"),
        ("下播陪哥喝酒去", "comment", "abuse"),
        ("赶紧入土吧骗子", "comment", "abuse"),
        ("狗都比你会卖", "comment", "abuse"),
        ("我是你爹 懂不懂", "comment", "abuse"),
        ("瞎眼客服 又发错", "comment", "abuse"),
        ("马蚤货一个", "comment", "abuse"),
        ("不如去做鸡吧", "comment", "abuse"),
        # prohibited in plain words and parts
        ("有没有让人睡着的药", "comment", "prohibited"),
        ("开锁神器 一秒开", "comment", "prohibited"),
        ("办假证 加急", "comment", "prohibited"),
        ("迷幻蘑菇有吗", "comment", "prohibited"),
        ("非洲灰活体 出", "comment", "prohibited"),
        ("嗨糖来一包", "comment", "prohibited"),
        # the host's claims
        ("以后永远不上了 就今天", "speech", "ad_law"),
        ("喝了能排结石", "speech", "ad_law"),
        ("医生都推荐的牌子", "speech", "ad_law"),
    ],
)
def test_dev11_families_are_flagged(
    detector: LexiconDetector, text: str, scope: str, category: str
) -> None:
    assert category in cats(detector, text, scope)


@pytest.mark.parametrize(
    ("text", "scope"),
    [
        ("这鱼里有刺吗", "comment"),
        ("红薯链接在几号", "comment"),
        ("外面买要两百 这里真划算", "comment"),
        ("货给你备好了 明天发", "comment"),
        ("天热穿少点", "comment"),
        ("老板开个价 我要十件", "comment"),
        ("下雨了出门小心", "comment"),
        ("早点死心吧 没货了", "comment"),
        ("宝宝会叫爸爸了", "comment"),
        ("快递到了家里没人", "comment"),
        ("黑头贴还卖吗", "comment"),
        ("大闸蟹活体发货 包邮", "comment"),
        ("足金纯度高 有货", "comment"),
        ("日本进口的酱油吗", "comment"),
        ("加油加油", "comment"),
        ("价格12888的那款，电话里说有现货", "comment"),
        ("这颜色真骚气", "comment"),
        ("wifi万能钥匙连不上", "comment"),
        ("杀猪盘我见多了 这家是正规店", "comment"),
        ("有人问有没有a货 我们只卖正品", "speech"),
        ("女马术比赛真好看", "comment"),
        ("人言可畏", "comment"),
    ],
)
def test_dev11_look_alikes_stay_clean(detector: LexiconDetector, text: str, scope: str) -> None:
    assert cats(detector, text, scope) == set()


@pytest.mark.parametrize(
    ("parts", "category"),
    [
        (["那边", "便宜", "来我", "店里", "买"], "contact_diversion"),
        (["宝妈", "兼职", "日结"], "fraud"),
        (["转定", "金给", "我"], "fraud"),
        (["我是", "社保局", "的", "要补缴"], "fraud"),
        (["中奖", "了点", "我主页"], "fraud"),
    ],
)
def test_dev11_families_split_over_comments_are_flagged(
    detector: LexiconDetector, parts: list[str], category: str
) -> None:
    assert category in split_categories(detector, parts)
