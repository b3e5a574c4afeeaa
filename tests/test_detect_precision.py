"""Honest speech and look-alike clean text stay clean; the same words meant stay flagged."""

from __future__ import annotations

import pytest

from monitor.detect.context import asks, negated, warned
from monitor.detect.detector import LexiconDetector
from tests.detect_support import cats, shipped_detector


@pytest.fixture(scope="module")
def detector() -> LexiconDetector:
    return shipped_detector()


@pytest.mark.parametrize(
    ("clean", "meant", "scope"),
    [
        ("不要私下转账，所有付款都在平台上", "私下转账更便宜", "speech"),
        ("这款不是药品，不能治病", "这款茶能治病", "speech"),
        ("中奖了不用付邮费，平台包邮", "中奖了先付邮费", "speech"),
        ("我们不会私下联系大家", "我们私下联系", "speech"),
        ("微信转账我们不支持，请在平台下单", "微信转账给我就行", "speech"),
        ("有人说你中奖让你交手续费的都是骗子", "你中奖了，交手续费就发货", "speech"),
        ("退款是原路返回还是转账", "退款请先转账验证", "comment"),
        ("中奖了客服会联系吗", "恭喜中奖了请添加客服领取", "comment"),
    ],
)
def test_negated_warned_and_asked_terms_are_not_said(
    detector: LexiconDetector, clean: str, meant: str, scope: str
) -> None:
    assert cats(detector, clean, scope) == set()
    assert cats(detector, meant, scope) != set()


def test_a_question_form_is_no_negation() -> None:
    assert negated("不能治病", 2)
    assert not negated("有没有卖烟的", 3)  # 有没有 asks; it does not deny
    assert negated("微信转账我们不支持", 0, 4)
    assert warned("大家不要相信任何让你加微信的，我们", 12, 15)
    assert not warned("不是骗子，让你加我微信", 8, 11)  # the warning is in another clause
    assert asks("退款的话客服会联系我吗？")
    assert not asks("退款请联系我")


@pytest.mark.parametrize(
    "text",
    [
        "这三个颜色里白色最百搭",
        "我们家最便宜的这款也有加绒",
        "这款卖得最好的颜色是杏色",
        "这款是我们家销量最高的",
        "我最好的朋友也在用这款",
        "我最怕冷了，所以天天穿这件",
        "第一名中奖的是尾号3356的宝宝",
        "我们第一家店开在杭州",
        "这是今天唯一一个秒杀链接",
        "糖尿病的家人降血糖要听医生的",
        "这件是百分百纯棉的",
    ],
)
def test_comparisons_among_own_goods_ordinals_and_advice_are_no_claims(
    detector: LexiconDetector, text: str
) -> None:
    assert "ad_law" not in cats(detector, text, "speech")


@pytest.mark.parametrize(
    "text",
    [
        "这款是全网销量最高的",
        "我们这款效果是同类产品里最好的",
        "全网最便宜的就是我们家",
        "我们是行业第一名",
        "这个茶能调理三高",
        "百分百纯棉，绝对不会起球",
    ],
)
def test_claims_over_the_market_stay_claims(detector: LexiconDetector, text: str) -> None:
    assert "ad_law" in cats(detector, text, "speech")


@pytest.mark.parametrize(
    "text",
    [
        "我朋友Jiawei推荐来的",
        "我室友叫Zhang Weixing",
        "这个香水是Dama de Noche系列吗",
        "打游戏看damage数值",
        "2TB的移动硬盘有吗",
        "这个U盘是1TB还是512G",
        "Nike SB Dunk有货吗",
        "JD Sports的鞋是正品吗",
    ],
)
def test_names_units_and_brands_in_latin_stay_clean(detector: LexiconDetector, text: str) -> None:
    assert cats(detector, text) == set()


@pytest.mark.parametrize(
    "text",
    ["想要的jiawei私聊", "Jiawei 私聊", "有dama吗", "去tb上买", "你个sb"],
)
def test_pinyin_and_initials_typed_to_evade_stay_flagged(
    detector: LexiconDetector, text: str
) -> None:
    assert cats(detector, text) != set()


@pytest.mark.parametrize("text", ["有迷换药吗", "卖仿真抢的私我", "管制道具有卖吗"])
def test_prohibited_goods_are_read_by_sound(detector: LexiconDetector, text: str) -> None:
    assert "prohibited" in cats(detector, text)


@pytest.mark.parametrize("text", ["仿真墙纸有吗", "这个电机强度够吗", "收到的居然是高仿，要退货"])
def test_sound_alikes_and_buyers_naming_a_fake_stay_clean(
    detector: LexiconDetector, text: str
) -> None:
    assert cats(detector, text) == set()


@pytest.mark.parametrize(
    ("clean", "meant", "scope"),
    [
        # A verdict the writer gives on the scam, not a pitch.
        ("兼职刷单就是诈骗，千万别信", "兼职刷单，一单一结", "comment"),
        ("评论区里叫你加微信的全是骗子", "想要优惠的加我微信", "comment"),
        # A warning about what happened to the writer before.
        ("之前被刷单骗过，大家小心", "招刷单，佣金日结", "comment"),
        # Asking whether what someone said is true.
        ("有人私聊我说抽中了手机，是真的吗", "恭喜抽中手机，私聊我领取", "comment"),
        # The host declining a viewer's request.
        ("有家人问能不能加微信，不好意思我们只在直播间卖", "想要的家人加一下微信", "speech"),
        # A denied claim, and a specification rather than a rank.
        ("我不敢说全网最低，大家可以去比", "我们这个全网最低", "speech"),
        ("这个锅最高耐热两百度", "这是全网最好的锅", "speech"),
        ("这个收纳架最大承重三十斤", "这是全网最好的收纳架", "speech"),
    ],
)
def test_verdicts_reports_refusals_and_specifications_are_not_said(
    detector: LexiconDetector, clean: str, meant: str, scope: str
) -> None:
    assert cats(detector, clean, scope) == set()
    assert cats(detector, meant, scope) != set()


@pytest.mark.parametrize(
    "pitch",
    [
        "加我微信领红包，我们不是骗子",  # a denial reassures; it is no verdict
        "刷单返利 日结 绝对不是诈骗",
        "想赚钱的私聊我 正规平台不是骗局",
        "私聊我带你赚钱 防诈骗",  # 防诈骗 names no scam of someone else
        "招刷单 加v13800138000 别信那些骗子",  # a contact of its own is acted on
    ],
)
def test_a_pitch_that_denies_being_a_scam_is_still_flagged(
    detector: LexiconDetector, pitch: str
) -> None:
    assert cats(detector, pitch) != set()
