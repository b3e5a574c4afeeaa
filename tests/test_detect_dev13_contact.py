"""Families grown in the dev13 round (plain wording of contact diversion and fraud: a
private number asked for or left, talking elsewhere, a group pulled together, the way to reach
someone on one's page, money sent before the goods, prepaid cards, likes paid in cash, an
"auto-renewal" agent, loans on an ID alone, app tasks for a day's pay): members written here
(not the development rows) are flagged in their category; clean sentences built from the same
words stay clean."""

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
        # a private contact asked for or left, the seller in person, talking elsewhere
        ("能不能留个私人电话，我有事找你", "comment", "contact_diversion"),
        ("咱俩互留联系方式吧", "comment", "contact_diversion"),
        ("主播你手机号多少，我想订货", "comment", "contact_diversion"),
        ("把你的电话号码给我，我回头联系", "comment", "contact_diversion"),
        ("不在这买了，找老板本人拿货", "comment", "contact_diversion"),
        ("价格这里不好讲，换个地方详聊", "comment", "contact_diversion"),
        # a group pulled together, the way to reach someone on one's page, a friend added
        ("想拼的我建个群，一起买", "comment", "contact_diversion"),
        ("拼团的邻居我拉你们进来", "comment", "contact_diversion"),
        ("微信就在我昵称后面", "comment", "contact_diversion"),
        ("简介里有二维码，扫一下", "comment", "contact_diversion"),
        ("互相加个好友，以后常联系", "comment", "contact_diversion"),
        ("主播加hy，回头联系", "comment", "contact_diversion"),
        ("去看我个性签名", "comment", "contact_diversion"),
        # haggling at the shop, wholesale, after the stream, another app or shop
        ("实体店地址发你，过来当面谈", "comment", "contact_diversion"),
        ("要批发的私聊我", "comment", "contact_diversion"),
        ("评论区说不方便，私我", "comment", "contact_diversion"),
        ("下了播打我电话", "comment", "contact_diversion"),
        ("纸飞机上联系我", "comment", "contact_diversion"),
        ("我们在拼多多也开了个店", "comment", "contact_diversion"),
        ("☎️多少，我打过去", "comment", "contact_diversion"),
        # pinyin before an ID after a colon, Kuaishou by sound, a group number, emoji
        ("jia wo weixin：tea_shop7", "comment", "contact_diversion"),
        ("si liao wo，kuai", "comment", "contact_diversion"),
        ("姐妹们来我块手小店看看", "comment", "contact_diversion"),
        ("团购群 38291047 进来", "comment", "contact_diversion"),
        ("有事打我手机，号在我简介", "comment", "contact_diversion"),
        ("投五万三个月翻番", "comment", "fraud"),
        ("要货的 ➕🟩💬", "comment", "contact_diversion"),
        ("把短信里的🔢发给我，马上退款", "comment", "fraud"),
        # money before the goods, prepaid cards, likes paid in cash, fake agents, loans, tasks
        ("先打款后发货，包邮", "comment", "fraud"),
        ("先汇款再发，优惠五十", "comment", "fraud"),
        ("话费卡低价折出，先打款", "comment", "fraud"),
        ("点个赞就有钱拿", "comment", "fraud"),
        ("点赞就能赚钱，一单五元", "comment", "fraud"),
        ("你的账户即将自动扣费，请联系客服", "comment", "fraud"),
        ("只要身份证就能贷，不用押金", "comment", "fraud"),
        ("借呗额度帮你提，手续费低", "comment", "fraud"),
        ("在家做任务每天三百", "comment", "fraud"),
        ("把六位数字验证码发给我，马上给你退款", "comment", "fraud"),
        ("双倍理赔，请填写银行卡号", "comment", "fraud"),
        ("先交定金，货到再付", "comment", "fraud"),
        ("帮忙做刷单任务，一单八块", "comment", "fraud"),
    ],
)
def test_dev13_contact_and_fraud_families_are_flagged(
    detector: LexiconDetector, text: str, scope: str, category: str
) -> None:
    assert category in cats(detector, text, scope)


@pytest.mark.parametrize(
    ("text", "scope"),
    [
        ("这款老人电话多少钱", "comment"),
        ("手机多少钱，我打给你们客服问问", "comment"),
        ("收货手机号给我改一下", "comment"),
        ("拿货找我们客服就行", "speech"),
        ("下播后客服会打给我吗", "comment"),
        ("刷单任务都是骗人的，别信", "comment"),
        ("如需取消订单请联系客服", "speech"),
        ("凭身份证就能借书，图书馆很方便", "comment"),
        ("我头像上有二维码的那个是官方账号吗", "comment"),
        ("门店地址在哪，我想去看看实物", "comment"),
        ("充值卡能用吗", "comment"),
        ("点赞关注不迷路", "comment"),
        ("主播换个地方站吧，光线太暗", "comment"),
        ("我拉个椅子坐下慢慢看", "comment"),
        ("昵称后面的数字是什么意思", "comment"),
        ("加一下购物车再付款", "comment"),
        ("个人签名怎么改", "comment"),
        ("下载app做任务领金币", "comment"),
        ("花呗额度不够了，能分期吗", "comment"),
        ("理赔要填写银行卡吗", "comment"),
        ("电报大楼附近有门店吗", "comment"),
        ("我在淘宝买过一次，质量不错", "comment"),
        ("做任务一天就能完成吗", "comment"),
        ("你电话响了", "comment"),
        ("老板电话打不通", "comment"),
        ("拿货找我们客服就行", "comment"),
        ("下播后有问题联系我们客服", "speech"),
        ("Great product，love it so much", "comment"),
        ("Hello，nice to meet you", "comment"),
        ("很快首发", "comment"),
        ("快递单号在主页订单里", "comment"),
        ("投一万买基金亏了一半", "comment"),
        ("我们团购群几点开", "comment"),
    ],
)
def test_dev13_contact_and_fraud_look_alikes_stay_clean(
    detector: LexiconDetector, text: str, scope: str
) -> None:
    assert cats(detector, text, scope) == set()


def test_dev13_money_before_the_goods_split_over_comments_is_flagged(
    detector: LexiconDetector,
) -> None:
    parts = ["先打款", "我这边", "马上发货"]
    found: set[str] = set()
    for i, part in enumerate(parts):
        found |= {
            f.category for f in detector.analyze(part, "comment", "room\x1fd13", 50.0 + i).sensitive
        }
    assert "fraud" in found


def test_dev13_the_same_name_over_comments_is_flagged(detector: LexiconDetector) -> None:
    found: set[str] = set()
    for i, part in enumerate(["我的威", "是同名", "去搜"]):
        found |= {
            f.category
            for f in detector.analyze(part, "comment", "room\x1fd13b", 50.0 + i).sensitive
        }
    assert "contact_diversion" in found
