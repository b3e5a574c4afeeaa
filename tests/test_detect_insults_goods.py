"""Insults and prohibited goods grown by sub-topic: typed examples flagged in their category,
look-alike clean text (the goods a live room sells, a viewer talking about herself) clean."""

from __future__ import annotations

import pytest

from monitor.detect.detector import LexiconDetector
from tests.detect_support import cats, shipped_detector


@pytest.fixture(scope="module")
def detector() -> LexiconDetector:
    return shipped_detector()


@pytest.mark.parametrize(
    "text",
    [
        "你就是个弱智吧",  # aimed at someone
        "客服是不是聋了",
        "这个主播就是个伞兵",
        "你这个🐷",  # 🐷 reads 猪
        "🐶商家",
        "瞧你这熊样",
        "你全家死光光",
        "我知道你家在哪，等着",
        "信不信我弄死你",
        "给爷爬",
        "穷鬼别看了，滚",
        "主播长得真丑",
        "河南人都是骗子",
        "主播约吗 多少钱一晚",
        "臭娘们闭嘴",
        "cnmb",
        "你奶奶的，又涨价",
        "傻子才在你家买",
    ],
)
def test_grown_insults_are_abuse(detector: LexiconDetector, text: str) -> None:
    assert "abuse" in cats(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "出白粉 要的私",
        "有🌿吗 飞一下",  # 🌿 reads 草
        "出氷",  # 氷 is a variant of 冰
        "🔫出售 量大",
        "阿普唑仑有货，不用处方",
        "司美格鲁肽代购，在家打就行",
        "十字弩 打野兔一打一个准",
        "a货手表便宜出，私聊",
        "莆田纯原，得物能过验",
        "代开病假条 盖章",
        "电子烟批发，口味齐全",
        "香烟整条代购",
        "刚抓的野鸡，活的",
        "出售熊掌",
        "收银行卡 一天三百",
        "流量卡免实名",
        "考试作弊耳机 包教会",
        "网赌平台带你回血",
    ],
)
def test_grown_goods_are_prohibited(detector: LexiconDetector, text: str) -> None:
    assert "prohibited" in cats(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "你这个猪肉怎么卖",  # a noun that 你这个猪 opens
        "你这垃圾桶多大容量",
        "你这个狗狗几个月了",
        "我真是个大傻子，又买多了",  # about herself
        "小时候最喜欢玩溜冰鞋",
        "冰丝裤卖完了吗",
        "制冰机出冰快不快",
        "卖草莓的直播间",
        "弓弩造型的钥匙扣",
        "电子烟戒了，改喝茶",
        "猕猴桃出售，产地直发",
        "玳瑁色的眼镜框好看",
        "买了个复刻版的经典球鞋",
        "我奶奶的生日快到了",
        "这个价格打死我也想不到",
        "猫咪防丢定位器",
    ],
)
def test_grown_look_alikes_stay_clean(detector: LexiconDetector, text: str) -> None:
    assert cats(detector, text) & {"abuse", "prohibited"} == set()


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("主播是不是脑子有问题", "abuse"),
        ("闭上你的狗嘴", "abuse"),
        ("上海人都是小气鬼", "abuse"),
        ("这个喷雾喷一下人就晕", "prohibited"),  # the host's speech about a knock-out spray
        ("身份证借我用用，给你钱", "prohibited"),
        ("驾照销分，当天办好", "prohibited"),
    ],
)
def test_second_pass_wordings(detector: LexiconDetector, text: str, category: str) -> None:
    assert category in cats(detector, text, "speech" if "喷雾" in text else "comment")


@pytest.mark.parametrize(
    "text",
    [
        "主播真骚气的颜色",  # 骚气: flamboyant
        "想摸摸你的猫",
        "孙子你等着，奶奶给你买",
        "卖叶子茶的直播间",
        "仿真枪造型的打火机",
        "吸毒害己害人",  # a warning, no goods
    ],
)
def test_second_pass_look_alikes_stay_clean(detector: LexiconDetector, text: str) -> None:
    assert cats(detector, text) & {"abuse", "prohibited"} == set()


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("楼上是不是脑残", "abuse"),  # the comment above as the target
        ("你是个250吧", "abuse"),
        ("你💀吧", "abuse"),  # 💀 reads 死
        ("楼上🧠残", "abuse"),  # 🧠 reads 脑
        ("长这么丑还好意思出来播", "abuse"),
        ("迷幻的那种，🍄嗨一下", "prohibited"),  # 🍄 reads 蘑菇
        ("待办各种证件", "prohibited"),  # 待办 for 代办
        ("手枪出一把 要的来", "prohibited"),
    ],
)
def test_third_pass_wordings(detector: LexiconDetector, text: str, category: str) -> None:
    assert category in cats(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "笑💀我了，这么便宜",
        "给你个250元的券",
        "电子烟不能在直播间卖",  # the host says what is not sold
        "冰种翡翠手镯，纯度高",
    ],
)
def test_third_pass_look_alikes_stay_clean(detector: LexiconDetector, text: str) -> None:
    assert cats(detector, text) & {"abuse", "prohibited"} == set()


def test_get_out_aimed_at_the_host_and_rollers(detector: LexiconDetector) -> None:
    assert "abuse" in cats(detector, "主播快滚吧")
    assert "abuse" in cats(detector, "you bitch")
    assert cats(detector, "主播滚筒洗衣机怎么样") == set()
    assert cats(detector, "this method works") == set()  # meth inside a word
