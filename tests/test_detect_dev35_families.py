"""Families grown in the dev35/dev36 round, and the platform rule of that round: a platform
named plainly counts as diversion only when the text sends someone there. Members written
here (not the development rows) are flagged in their category; clean sentences built from
the same words stay clean."""

from __future__ import annotations

import pytest

from monitor.detect.detector import LexiconDetector
from tests.detect_support import cats, shipped_detector


@pytest.fixture(scope="module")
def detector() -> LexiconDetector:
    return shipped_detector()


SENT_THERE = [
    # a move toward the platform, what one does there, one's own account or shop there
    ("去京东搜这个牌子", "comment"),
    ("来快手找我，那边不限流", "comment"),
    ("拼多多上一样的才十九", "comment"),
    ("我们淘宝店铺也有，搜小林家", "speech"),
    ("下播了去视频号等我", "speech"),
    ("京东自营便宜好多，别在这买了", "comment"),
    ("打开拼多多搜同款", "comment"),
    ("快手口令复制打开", "comment"),
    ("明天换到另一个平台开播", "speech"),
    # the name spelled to dodge a filter counts as typed
    ("淘 宝 搜 阿梅家", "comment"),
    ("逗音搜我", "comment"),
    # a comment that is the name alone, then the rest of the message
    ("闲鱼␞同名␞便宜出", "comment"),
    # nicknames count the same way as the names (dev37/dev38 round)
    ("pdd上九块九包邮", "comment"),
    ("某东自营便宜二十", "comment"),
    ("关注我另一个号，那边福利多", "speech"),
    ("去我们实体店拿货更便宜", "speech"),
]


@pytest.mark.parametrize(("text", "scope"), SENT_THERE)
def test_a_platform_that_someone_is_sent_to_is_diversion(
    detector: LexiconDetector, text: str, scope: str
) -> None:
    found: set[str] = set()
    for i, part in enumerate(text.split("␞")):
        found |= {f.category for f in detector.analyze(part, scope, "u-sent", float(i)).sensitive}
    assert "contact_diversion" in found


NAMED_ONLY = [
    ("京东上这个要两百，这里便宜多了", "comment"),
    ("小红书上好多人推荐这款，来看看", "comment"),
    ("从快手那时候就关注你了", "comment"),
    ("我表妹在淘宝开网店的，说你家料子好", "comment"),
    ("这个价格拼多多上也查得到，我们今天更低", "speech"),
    ("之前在闲鱼买到过假货", "comment"),
    ("好多姐妹在别的平台买过，今天在我们直播间买", "speech"),
    ("原来淘宝也有卖这个", "comment"),
    ("这个价比京东便宜三十", "comment"),
    ("本来想去天猫买，看到送赠品就在这拍了", "comment"),
    ("去年双十一在天猫抢的还没用完", "comment"),
    ("以前总在pdd买，现在学乖了", "comment"),
    ("买完可以去官网查防伪码", "speech"),
    ("好多家人问我是不是在美团开了店，没有哦", "speech"),
    ("刷了一晚上小红书还是来这买", "comment"),
]


@pytest.mark.parametrize(("text", "scope"), NAMED_ONLY)
def test_a_platform_only_named_is_no_diversion(
    detector: LexiconDetector, text: str, scope: str
) -> None:
    assert "contact_diversion" not in cats(detector, text, scope)


@pytest.mark.parametrize(
    ("text", "scope", "category"),
    [
        ("主播有没有vx，想问下颜色", "comment", "contact_diversion"),
        ("能私发个付款码给我吗", "comment", "contact_diversion"),
        ("群号是多少，发一下", "comment", "contact_diversion"),
        ("给哥摸一下", "comment", "abuse"),
        ("衣服脱了给我看", "comment", "abuse"),
        ("四全家都该骂", "comment", "abuse"),
        ("我知道你家在哪儿", "comment", "abuse"),
        ("钢珠一打就穿，威力大", "comment", "prohibited"),
        ("叶子每克两百", "comment", "prohibited"),
        ("这款面霜王室御用", "speech", "ad_law"),
        ("这个价卖完以后永远不返场", "speech", "ad_law"),
        ("孩子用了这套卷子分数包提高", "speech", "ad_law"),
        ("外面都是科技狠活，我家才是真东西", "speech", "ad_law"),
        ("我是抖音官方客服，请提供银行卡号办理退款", "comment", "fraud"),
        ("四川人手脚都不干净", "comment", "abuse"),
        ("百元的假钱有没有", "comment", "prohibited"),
        ("高仿正品，专柜同款只要两折", "comment", "fraud"),
        ("伽薇聊", "comment", "contact_diversion"),
        ("长按复制这段话，打开就能看", "comment", "contact_diversion"),
        ("下次再买就是原价了", "speech", "ad_law"),
        ("隔壁家的燕窝都是假的", "speech", "ad_law"),
        ("这套茶具是故宫指定的", "speech", "ad_law"),
    ],
)
def test_dev35_families_are_flagged(
    detector: LexiconDetector, text: str, scope: str, category: str
) -> None:
    assert category in cats(detector, text, scope)


CLEAN = [
    ("我们不要加任何私人微信，售后走平台", "speech"),
    ("官方不会在任何地方私信你说你中奖", "speech"),
    ("评论都说这家不刷单", "comment"),
    ("这个按摩仪有三个档位，一档最轻", "speech"),
    ("你有微信支付吗，没有支付宝", "comment"),
    ("点了4全家桶", "comment"),
    ("茶叶子一克都不浪费", "comment"),
    ("轴承钢珠一盒一百颗", "comment"),
    ("收到假钱了，怎么办", "comment"),
    ("售后电话多少", "comment"),
    ("你们有公众号吗", "comment"),
]


@pytest.mark.parametrize(("text", "scope"), CLEAN)
def test_dev35_look_alikes_stay_clean(detector: LexiconDetector, text: str, scope: str) -> None:
    assert cats(detector, text, scope) == set()
