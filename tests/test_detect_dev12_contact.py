"""Contact and fraud families grown in the dev12 round (look-alike digits, symbols, sound-alike
cues and scam words, characters typed as their parts, links by IP or with a bracketed dot,
underscore IDs, the tail of a split message): members written here (not the development
rows) are flagged in their category; clean sentences built from the same words stay clean."""

from __future__ import annotations

import pytest

from monitor.detect.contact import links, mend_digits
from monitor.detect.detector import LexiconDetector
from monitor.detect.split import SplitWindow
from tests.detect_support import cats, shipped_detector, split_categories


@pytest.fixture(scope="module")
def detector() -> LexiconDetector:
    return shipped_detector()


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # letters and Cyrillic look-alikes inside a phone or QQ number
        ("有货直接打 l36O0l3852б", "contact_diversion"),
        ("扣扣：9З8l7O265", "contact_diversion"),
        ("qq：б5l2O9З8 来聊", "contact_diversion"),
        ("打 I39OOI38OOO", "contact_diversion"),  # more letters than digits: a whole mobile
        # a number glued to a pinyin cue, an ID with underscores, links by IP or bracketed dot
        ("tel13912345678 随时打", "contact_diversion"),
        ("vx：wang_xiao_mei 私我", "contact_diversion"),
        ("复制 xyz（点）com 打开", "contact_diversion"),
        ("店铺 abc[.]shop 更便宜", "contact_diversion"),
        ("访问 103.21.244.15:8080 有惊喜", "contact_diversion"),
        # symbols for characters, sound-alike cues, QQ by sound
        ("⊕V 看实拍", "contact_diversion"),
        ("朋友⭕天天发图 加我看", "contact_diversion"),
        ("我盆友圈同款便宜", "contact_diversion"),
        ("添加为辛 发你图", "contact_diversion"),
        ("加一下盆友吧 私发价格", "contact_diversion"),
        ("抠抠号在主页", "contact_diversion"),
        ("口口群 7O3l92846 拉你", "contact_diversion"),
        # the contact in the nickname, the number asked for, groups and shops elsewhere
        ("微信在我昵称里 自己加", "contact_diversion"),
        ("我的名字就是手机号", "contact_diversion"),
        ("把你的手机号发我 我联系你", "contact_diversion"),
        ("想团购的 拉个群一起下单", "contact_diversion"),
        ("别在这里买 我店便宜", "contact_diversion"),
        ("私底下卖不卖", "contact_diversion"),
        ("vx同手机号", "contact_diversion"),
        ("群号在我简介", "contact_diversion"),
        ("去我的网店买更便宜", "contact_diversion"),
        ("红色软件搜我", "contact_diversion"),
        ("红薯上有我家 搜店名", "contact_diversion"),
        ("lxfs私你", "contact_diversion"),
        ("留个邮箱我发给你", "contact_diversion"),
        ("要资料的留由阝箱 发你", "contact_diversion"),
        ("店名就是我昵禾尔", "contact_diversion"),
        # scam words by sound and look, paid reviews and likes, cash back, deposits, credit
        ("唰单一单十块 当天返", "fraud"),
        ("涮单日结", "fraud"),
        ("届刂单 一单五块", "fraud"),
        ("写评价一条三块", "fraud"),
        ("点攒任务 三毛一个 多劳多得", "fraud"),
        ("晒单就返现金", "fraud"),
        ("先垫付 返现秒到", "fraud"),
        ("存一万送一桶油", "fraud"),
        ("注册就送两百", "fraud"),
        ("稳赚不亏 跟我投", "fraud"),
        ("福利来了 先冲值一百", "fraud"),
        ("投资导师带你 收益翻倍", "fraud"),
        ("带你翻倍 私我", "fraud"),
        ("大额信用卡 包过", "fraud"),
        ("信甩卡代办 秒批", "fraud"),
        ("在家做任务 一天两三百", "fraud"),
        ("手机做仼务一天一两百", "fraud"),
        ("动动手指 日结两百", "fraud"),
        ("宝妈副业 当天结", "fraud"),
        ("中桨了加客服领奖", "fraud"),
        ("中奖了 找客月艮领", "fraud"),
        ("yzm给我 帮你操作", "fraud"),
        ("jz 在家手机就能做", "fraud"),
        ("扫这个🔳 打九折", "fraud"),
        ("刷📋返佣 一单八块", "fraud"),
    ],
)
def test_dev12_contact_fraud_families_are_flagged(
    detector: LexiconDetector, text: str, category: str
) -> None:
    assert category in cats(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "1000ml装 两瓶",
        "iPhone15ProMax 还有吗",
        "版本 1.2.3.4 更新了吗",
        "192.168.1.1 路由器登不上",
        "2024.12.07 能发货吗",
        "我朋友圈看到的 这个好用",
        "朋友圈有人推荐 加购了",
        "因为辛苦了 给主播加个鸡腿",
        "我再加个朋友的份",
        "建个群聊天用的路由器好用吗",
        "抠抠搜搜的 舍不得买",
        "口口声声说正品",
        "扣扣子的设计很好看",
        "红薯上有霉点还能吃吗",
        "扫码验真在哪里",
        "种姜的季节到了",
        "存五千的定期",
        "注册会员送积分",
        "写好评一条就行",
        "运费先垫付 退货后退回",
        "拍照就给你看实物",
        "信用卡能付吗",
        "名字就是好听",
        "朋友圈同款终于买到了",
        "加个朋友一起拼",
        "留个好评吧",
        "私底下也很喜欢这个牌子",
    ],
)
def test_dev12_contact_fraud_look_alikes_stay_clean(detector: LexiconDetector, text: str) -> None:
    assert cats(detector, text) == set()


@pytest.mark.parametrize(
    ("parts", "category"),
    [
        (["我建了", "个群", "群号在", "我的简介里"], "contact_diversion"),
        (["退款", "要验证码", "发给我就行"], "fraud"),
        (["扣扣", "3928", "1047", "56"], "contact_diversion"),
    ],
)
def test_dev12_split_over_comments_are_flagged(
    detector: LexiconDetector, parts: list[str], category: str
) -> None:
    assert category in split_categories(detector, parts)


@pytest.mark.parametrize(
    ("digits", "mended"),
    [
        ("l3b2o47659o", "13820476590"),  # a whole run of digits and look-alike letters
        ("联系qq762o9l835", "联系qq762091835"),  # a cue glued before it stays a cue
        ("hello2023456", "hello2023456"),  # letters of a word, not digits
        ("100l", "100l"),  # a volume: too short for a number
        ("lol2024lol", "lol2024lol"),  # more letters than digits
        ("bilibili", "bilibili"),
    ],
)
def test_letters_typed_for_digits_are_read_as_digits(digits: str, mended: str) -> None:
    assert mend_digits(digits) == mended


def test_a_long_comment_ends_a_run_as_its_tail() -> None:
    window = SplitWindow(messages=5, seconds=60.0)
    assert window.add("u", 1.0, "群号在") is None
    assert window.add("u", 2.0, "主页第二行有") == "群号在主页第二行有"
    assert window.add("u", 3.0, "主页第二行有") is None  # the run ended with its tail
    window.add("u", 4.0, "群号")
    assert window.add("u", 100.0, "主页第二行有") is None  # too late for the run


def test_ip_addresses_are_links_but_local_ones_are_not() -> None:
    assert [v for v, _, _ in links("访问 45.76.12.209 看")] == ["45.76.12.209"]
    assert links("192.168.1.1 登不上") == []
    assert links("1.2.3.4号链接") == []
