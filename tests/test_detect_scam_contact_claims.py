"""Grown fraud, contact and ad_law groups: typed pitches are flagged, look-alikes stay clean."""

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
        # fake customer service, compensation and frozen funds
        ("亲，您的包裹丢失了，点链接领双倍赔偿", "comment", "fraud"),
        ("退款要开一下屏幕共享，我教你操作", "comment", "fraud"),
        ("提现失败是因为流水不足，再充值一笔就能解冻", "comment", "fraud"),
        ("不好意思转错了 麻烦你退给我", "comment", "fraud"),
        # prizes and points with a fee or a link
        ("恭喜抽中二等奖，先付工本费就寄出", "comment", "fraud"),
        ("积分清零前点击链接兑换好礼", "comment", "fraud"),
        # tasks, handicraft and typing jobs
        ("手工活外发，在家做，包回收", "comment", "fraud"),
        ("抄小说按千字结算 日结", "comment", "fraud"),
        ("姐妹们在家动动手指就能赚钱", "speech", "fraud"),
        # loans, debts and credit lines
        ("专业办理停息挂账", "comment", "fraud"),
        ("白户也能秒批 不看征信", "comment", "fraud"),
        # payment off the platform, investment and betting
        ("扫我收款码付，直接转账更便宜", "comment", "fraud"),
        ("跟着老师进股票群 内部消息稳赚", "comment", "fraud"),
        ("收U 汇率高 量大私", "comment", "fraud"),
        ("系统通知：账户将被冻结，请点击链接认证", "comment", "fraud"),
        ("芝麻分不够，先交保证金帮你提额度", "comment", "fraud"),
        ("中🏆了 先交手续费", "comment", "fraud"),
        ("借用你的卡走个账 给你好处费", "comment", "fraud"),
        ("直播间不让说 私我", "comment", "contact_diversion"),
        ("新人注册送彩金 首充再返", "comment", "fraud"),
        # fake official notices and rebates
        ("你名下的账户涉嫌洗钱，配合调查把钱转到安全账户", "comment", "fraud"),
        ("进返利群 每单都返", "comment", "fraud"),
        # contact diversion: QQ nicknames, DMs, groups, QR codes, the trade moved elsewhere
        ("抠抠私聊", "comment", "contact_diversion"),
        ("有意者嘀嘀我", "comment", "contact_diversion"),
        ("加我陌陌聊", "comment", "contact_diversion"),
        ("私信领取优惠", "comment", "contact_diversion"),
        ("会员群里发链接 更便宜", "speech", "contact_diversion"),
        ("扫一下屏幕上的二维码 进我们会员群", "speech", "contact_diversion"),
        ("昵称就是微信", "comment", "contact_diversion"),
        ("同城可面交", "comment", "contact_diversion"),
        ("去咸鱼搜我店名", "comment", "contact_diversion"),
        ("快团团上下单", "comment", "contact_diversion"),
        ("主播你微信多少", "comment", "contact_diversion"),
        ("🔍我店名 比这便宜", "comment", "contact_diversion"),
        ("加企微领券", "speech", "contact_diversion"),
        ("微-信-同-号，那边便宜", "comment", "contact_diversion"),
        ("电话在主页 要的打", "comment", "contact_diversion"),
        # advertising-law claims in the host's speech
        ("这个灯能预防近视 孩子用了就不近视", "speech", "ad_law"),
        ("鞋垫专治扁平足", "speech", "ad_law"),
        ("这个膏一贴就不痛了", "speech", "ad_law"),
        ("我们的技术世界领先", "speech", "ad_law"),
        ("这款茶喝了就瘦 一周瘦五斤", "speech", "ad_law"),
        ("央视合作品牌 医院专用", "speech", "ad_law"),
        ("这个金条只涨不跌", "speech", "ad_law"),
        ("全球首创 吊打大牌", "speech", "ad_law"),
        ("这款面膜还能消炎", "speech", "ad_law"),
        ("这串手链开过光 戴上就转运", "speech", "ad_law"),
        ("用了这个面霜 色斑都没了", "speech", "ad_law"),
        ("绝对是原装进口的 保证不是国产", "speech", "ad_law"),
    ],
)
def test_grown_groups_flag_typed_pitches(
    detector: LexiconDetector, text: str, scope: str, category: str
) -> None:
    assert category in cats(detector, text, scope), text


@pytest.mark.parametrize(
    ("text", "scope"),
    [
        ("快递丢了，客服已经给我补发了", "comment"),
        ("转错颜色了，想换一个", "comment"),
        ("我以前做过打字员，现在在家带娃", "comment"),
        ("我是宝妈，周末做兼职", "comment"),
        ("手工活我做不来", "comment"),
        ("扣我钱了怎么回事", "comment"),
        ("别扣我分", "comment"),
        ("口号喊起来", "comment"),
        ("滴滴打车来的", "comment"),
        ("转账上有记录", "comment"),
        ("在书上找答案", "comment"),
        ("记一下尺码", "comment"),
        ("加个手机壳", "comment"),
        ("别在这拍了 等会有福利", "speech"),
        ("v我50", "comment"),
        ("京东快递点能取吗", "comment"),
        ("TB和GB有什么区别", "comment"),
        ("这个面霜一抹就化开了 很好推", "speech"),
        ("贴上就好了 手机膜很好贴", "speech"),
        ("腰间盘突出的要去医院看", "speech"),
        ("这个价格只涨不降", "comment"),
        ("老板这个电话多少钱", "comment"),
        ("怎么加你们粉丝团", "comment"),
        ("有没有v领的", "comment"),
        ("我们不会私下加你微信，不要转账给任何人", "speech"),
        ("演唱会门票抢不到", "comment"),
        ("包裹在转运中心 明天到", "speech"),
        ("我是从小红书看到笔记过来的", "comment"),
        ("得奖的宝宝运费我们出", "speech"),
        ("验证码一直不发给我", "comment"),
        ("直播间不让说这个品牌吗", "comment"),
        ("刷脸支付可以吗", "comment"),
        ("这个价格是我们今年最大的力度了", "speech"),
    ],
)
def test_look_alikes_of_the_grown_groups_stay_clean(
    detector: LexiconDetector, text: str, scope: str
) -> None:
    assert cats(detector, text, scope) == set(), text
