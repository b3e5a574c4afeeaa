"""Families grown in the dev10 round: members of each group, written here (not the
development rows), are flagged in their category; clean sentences built from the same words
(sizes, home services, a festival, a cat's food, a shop refusing a request) stay clean."""

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
        # the host's number or second account asked for, groups, QR codes, cloud drives
        ("老板的私人电话给一下", "comment", "contact_diversion"),
        ("问一下老板的微信号 想批发", "comment", "contact_diversion"),
        ("你的小号叫啥 回关你", "comment", "contact_diversion"),
        ("求拉进群 我也要福利", "comment", "contact_diversion"),
        ("二维码在我简介里 自己扫", "comment", "contact_diversion"),
        ("扫我头像上的二维码进团", "comment", "contact_diversion"),
        ("想要的扣1 我一个个加你们", "comment", "contact_diversion"),
        ("资料在夸克网盘 发你", "comment", "contact_diversion"),
        ("链接我私讯给你", "comment", "contact_diversion"),
        ("來我的賣場買", "comment", "contact_diversion"),
        ("签名里有我的号 自己看", "comment", "contact_diversion"),
        ("wechat：lucky_mama7", "comment", "contact_diversion"),
        ("WeChat 搜 tangtang2023", "comment", "contact_diversion"),
        ("扣扣上聊 发你图", "comment", "contact_diversion"),
        ("sl我 给你看细节", "comment", "contact_diversion"),
        ("加裙领福利 管理员在", "comment", "contact_diversion"),
        ("钉钉群里发货单", "comment", "contact_diversion"),
        ("掏宝搜同款便宜", "comment", "contact_diversion"),
        ("tg群里有资源", "comment", "contact_diversion"),
        # scams: begging, officials, tasks, gambling, investment, accounts, postage, refunds
        ("我妈化疗费不够 好心人帮帮", "comment", "fraud"),
        ("救救我女儿 捐一点也行 五十块", "comment", "fraud"),
        ("我是派出所的 你账户涉嫌洗钱 要冻结", "comment", "fraud"),
        ("做任务 佣金日结 群里派", "comment", "fraud"),
        ("带你回血 跟单稳", "comment", "fraud"),
        ("头资小额 翻倍快", "comment", "fraud"),
        ("千粉号低价出 可过户", "comment", "fraud"),
        ("0元领 只要付个运费", "comment", "fraud"),
        ("理赔专员联系您了吗", "comment", "fraud"),
        ("钱打到我的银行卡 马上发货", "comment", "fraud"),
        ("不走平台付款 再便宜二十", "comment", "fraud"),
        ("bc平台 带单稳赚", "comment", "fraud"),
        # abuse: looks, initials, 无马, sound-alikes, aimed 三八, groping, threats
        ("这张脸还开美颜 吓死人", "comment", "abuse"),
        ("主播这脸像被门夹过", "comment", "abuse"),
        ("fw客服 一问三不知", "comment", "abuse"),
        ("无马的东西 骗钱", "comment", "abuse"),
        ("你脑子里全是浆糊吧", "comment", "abuse"),
        ("死肥婆 还穿短裙", "comment", "abuse"),
        ("溅人别装了", "comment", "abuse"),
        ("老三八 闭嘴吧", "comment", "abuse"),
        ("你个老东西 懂什么", "comment", "abuse"),
        ("腿真长 晚上陪我睡", "comment", "abuse"),
        ("再嘴硬我叫你混不下去", "comment", "abuse"),
        # prohibited: gun parts, escorts, e-liquid and Viagra by sound, hidden cameras, replicas
        ("仿真枪配件 私聊", "comment", "prohibited"),
        ("同城美女 包夜", "comment", "prohibited"),
        ("眼油 薄荷味批发", "comment", "prohibited"),
        ("哪有电子烟油卖", "comment", "prohibited"),
        ("韦哥 一盒就够", "comment", "prohibited"),
        ("针孔装在插座里 发现不了", "comment", "prohibited"),
        ("高仿lv包包 私我", "comment", "prohibited"),
        # the host's claims: urgency, health, endorsements, absolute words by sound
        ("错过再等一年 家人们", "speech", "ad_law"),
        ("吃了以后百病不侵", "speech", "ad_law"),
        ("药监局推荐产品 放心买", "speech", "ad_law"),
        ("百分白真丝的", "speech", "ad_law"),
        ("绝兑正品 假一赔十", "speech", "ad_law"),
    ],
)
def test_dev10_families_are_flagged(
    detector: LexiconDetector, text: str, scope: str, category: str
) -> None:
    assert category in cats(detector, text, scope)


@pytest.mark.parametrize(
    ("text", "scope"),
    [
        ("小号多少钱", "comment"),
        ("小号是什么尺码", "comment"),
        ("你的手机号码填错了 改一下地址", "comment"),
        ("客服的电话是多少", "comment"),
        ("提供上门服务 免费安装", "comment"),
        ("我们支持同城配送 上门安装", "comment"),
        ("同城快递明天到", "comment"),
        ("双11大牌特惠", "comment"),
        ("三八女人节特惠", "comment"),
        ("这件衣服让你好看十倍", "comment"),
        ("这些老东西还能卖吗 收藏的", "comment"),
        ("我老号出问题了 登不上", "comment"),
        ("需要退款的宝宝私聊客服", "comment"),
        ("猫头鹰摆件出售", "comment"),
        ("小鱼干是给猫吃的", "comment"),
        ("你去试吧 很软", "comment"),
        ("我们不加微信 售后都走平台", "speech"),
        ("刚有人问能不能私下交易 我们不做", "speech"),
        ("谁再说加微信 我就拉黑", "speech"),
        ("不敢说是全网最低 但是真的划算", "speech"),
        ("我们不支持线下交易 都走平台", "speech"),
        ("今年最后一次直播 谢谢大家", "speech"),
        ("yi er san si wu liu qi ba jiu", "comment"),  # counting, no phone number
    ],
)
def test_dev10_look_alikes_stay_clean(detector: LexiconDetector, text: str, scope: str) -> None:
    assert cats(detector, text, scope) == set()


def test_a_mobile_number_spelled_in_pinyin_numerals_is_a_contact(
    detector: LexiconDetector,
) -> None:
    assert "contact_diversion" in cats(detector, "yao san ba er qi liu wu si jiu ling yi")
    spelled = "打我dianhua yaobaliu dong qi guai si wu er san yi"
    assert "contact_diversion" in cats(detector, spelled)
    # ten numerals are no mobile number; eleven that are no mobile number neither
    assert cats(detector, "yao san ba er qi liu wu si jiu ling") == set()
    assert cats(detector, "er san ba er qi liu wu si jiu ling yi") == set()


def test_a_cue_before_a_mark_is_read_though_the_id_repeats_its_last_letter(
    detector: LexiconDetector,
) -> None:
    # vx：xiaoqi reads vxiaoqi once collapsed; the cue is vx, then the ID
    assert "contact_diversion" in cats(detector, "vx：xiaoyu1999")
    assert "contact_diversion" in cats(detector, "vx xiaoyu1999")
    assert cats(detector, "vxxiaoyu") == set()


def test_a_mobile_number_typed_over_comments_of_digits_is_a_contact(
    detector: LexiconDetector,
) -> None:
    user = "room\x1fviewer"
    found = set()
    for i, part in enumerate(["1 5 8", "3 6 2 0", "9 7 4 1"]):
        found |= {f.category for f in detector.analyze(part, "comment", user, 100.0 + i).sensitive}
    assert "contact_diversion" in found
    # a price and a count after it: not digits only, no contact
    other = "room\x1fbuyer"
    found = set()
    for i, part in enumerate(["价格158", "3620元", "9741件"]):
        found |= {f.category for f in detector.analyze(part, "comment", other, 200.0 + i).sensitive}
    assert found == set()
