"""Families grown in the dev9 round: a few members of each group are flagged in their
category, and clean sentences built from the same words (the goods a live room sells, a
viewer reporting a stranger, a product's rated limits) stay clean."""

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
        # other apps by name and nickname, with what one does there
        ("飞书聊吧 这里不方便", "comment", "contact_diversion"),
        ("加我飞书 详细说", "comment", "contact_diversion"),
        ("上围脖搜我名字", "comment", "contact_diversion"),
        ("去小红薯搜 阿美家", "comment", "contact_diversion"),
        ("红薯主页有链接", "comment", "contact_diversion"),
        ("蝦皮賣場搜 小美", "comment", "contact_diversion"),
        ("虾皮上买更便宜", "comment", "contact_diversion"),
        ("fb粉专私讯我", "comment", "contact_diversion"),
        ("ig搜 amy_shop", "comment", "contact_diversion"),
        ("移步小红书 那边聊", "comment", "contact_diversion"),
        ("私下走企鹅", "comment", "contact_diversion"),
        ("加赖 详聊", "comment", "contact_diversion"),
        ("马云家搜同款", "comment", "contact_diversion"),
        ("海鲜市场搜 小美", "comment", "contact_diversion"),
        ("复制这段口令 打开app", "comment", "contact_diversion"),
        # the contact sent or named in other words
        ("私发你联系方式", "comment", "contact_diversion"),
        ("手机号同微信", "comment", "contact_diversion"),
        ("v号自己搜", "comment", "contact_diversion"),
        ("留个联络方式", "comment", "contact_diversion"),
        ("去我家官网买 便宜一百", "speech", "contact_diversion"),
        ("聯糸方式看主頁", "comment", "contact_diversion"),  # 糸 for 系
        ("加徴信", "comment", "contact_diversion"),  # 徴 for 微
        ("私信发链接给你", "comment", "contact_diversion"),
        ("扣1的 我拉你进群", "comment", "contact_diversion"),
        ("企微扫一扫", "comment", "contact_diversion"),
        ("豆瓣小组搜 小美家", "comment", "contact_diversion"),
        ("代理加盟的 私信我", "speech", "contact_diversion"),
        ("大家截屏保存这个二维码", "speech", "contact_diversion"),
        ("到门店报暗号 打八折", "speech", "contact_diversion"),
        ("下播以后找我单独聊", "speech", "contact_diversion"),
        ("这边不好发 主页看", "speech", "contact_diversion"),
        # fraud
        ("扫码支付打九折", "comment", "fraud"),
        ("红包已发放 点此领取", "comment", "fraud"),
        ("垫付返利 秒结", "comment", "fraud"),
        ("在家日入三百", "comment", "fraud"),
        ("每天轻松赚两百", "comment", "fraud"),
        ("抽中了 找客服", "comment", "fraud"),
        ("中丬夕大啦 请联系客服", "comment", "fraud"),  # 奖 split as 丬夕大
        ("充一百返两百", "comment", "fraud"),
        ("点赞一单三元", "comment", "fraud"),
        ("恭喜您已被抽中", "comment", "fraud"),
        ("打赏返现 私我", "comment", "fraud"),
        ("恭喜您已中奖 加客服领取", "comment", "fraud"),
        ("退款要先交押金 不然冻结", "comment", "fraud"),
        ("花呗额度帮套 手续费低", "comment", "fraud"),
        ("抖音号出售 五万粉", "comment", "fraud"),
        ("jz 日结 私", "comment", "fraud"),
        # abuse
        ("你们这群韭菜", "comment", "abuse"),
        ("活该被宰", "comment", "abuse"),
        ("楼上nc", "comment", "abuse"),
        ("四妈主播", "comment", "abuse"),  # 死妈 by sound, four characters
        ("你是个250", "comment", "abuse"),
        ("瞧你那一脸穷酸相", "comment", "abuse"),
        ("没钱就闭嘴", "speech", "abuse"),
        ("月凶瘫客服", "comment", "abuse"),  # 脑 split as 月凶
        ("客服就是个废物", "comment", "abuse"),
        ("没长脑子的玩意", "comment", "abuse"),
        ("丑八怪也配当主播", "comment", "abuse"),
        ("人渣滚出去", "comment", "abuse"),
        ("再逼逼我找人上门收拾你", "comment", "abuse"),
        ("山东人没见识", "comment", "abuse"),
        ("主播胖成猪", "comment", "abuse"),
        ("客服早点死", "comment", "abuse"),
        ("祝商家早日倒闭", "comment", "abuse"),
        ("龌龊的玩意", "comment", "abuse"),
        ("笨蛋客服", "comment", "abuse"),
        # prohibited
        ("空降 选妃", "comment", "prohibited"),
        ("上门全套 包夜", "comment", "prohibited"),
        ("有没有叶子 想整点", "comment", "prohibited"),
        ("象呀吊坠", "comment", "prohibited"),  # 象牙吊坠 by sound
        ("犀角杯 收藏", "comment", "prohibited"),
        ("大马种子 发货", "comment", "prohibited"),
        ("伟锅 现货", "comment", "prohibited"),
        ("赌场app 注册就送", "comment", "prohibited"),
        ("迷奸水", "comment", "prohibited"),
        ("大痲 有", "comment", "prohibited"),  # 痲 for 麻
        ("烟弹 拍下送烟杆", "speech", "prohibited"),
        ("gps定位 偷偷装", "comment", "prohibited"),
        ("代办护照 不用本人", "comment", "prohibited"),
        ("舒乐安定 免处方", "comment", "prohibited"),
        ("dm 懂得来", "comment", "prohibited"),
        ("出毐品", "comment", "prohibited"),  # 毐 for 毒
        ("野生麝香 整颗", "comment", "prohibited"),
        ("砗磲佛珠", "comment", "prohibited"),
        ("狼牙吊坠 保真", "comment", "prohibited"),
        ("猫头鹰幼崽 包活", "comment", "prohibited"),
        ("开了刃的跳刀", "comment", "prohibited"),
        ("银行流水 做一份", "comment", "prohibited"),
        # ad_law in the host's speech
        ("这是协和医生推荐的", "speech", "ad_law"),
        ("三甲医院的主任都在用", "speech", "ad_law"),
        ("我们这个奶粉堪比母乳", "speech", "ad_law"),
        ("喝了血栓就化了", "speech", "ad_law"),
        ("高血压都能好", "speech", "ad_law"),
        ("很多明星都在用我们家的", "speech", "ad_law"),
        ("放家里就好运连连", "speech", "ad_law"),
        ("美白天花板", "speech", "ad_law"),
        ("碾压所有大牌", "speech", "ad_law"),
        ("十天祛斑", "speech", "ad_law"),
        ("怎么吃都不胖", "speech", "ad_law"),
        ("治好了上万人", "speech", "ad_law"),
        ("航天员专用", "speech", "ad_law"),
        ("量子能量 调理身体", "speech", "ad_law"),
    ],
)
def test_dev9_families_are_flagged(
    detector: LexiconDetector, text: str, scope: str, category: str
) -> None:
    assert category in cats(detector, text, scope)


@pytest.mark.parametrize(
    ("text", "scope"),
    [
        # goods named like an app or a contact
        ("围脖是纯羊毛的吗", "comment"),
        ("这条围脖多少钱", "comment"),
        ("红薯上火吗", "comment"),
        ("虾皮补钙吗", "comment"),
        ("鱼上有刺吗", "comment"),
        ("你们在飞书上办公吗", "comment"),
        ("微博热搜上看到你了", "comment"),
        ("可以走微信支付吗", "comment"),
        ("依赖性强吗", "comment"),
        ("去官网看过了 参数一样", "comment"),
        # a report or a question, not a request
        ("有人私信我说中奖了 是真的吗", "comment"),
        ("大家不要相信评论区加微信的", "comment"),
        ("有宝宝问能不能加微信 我们只在直播间卖", "speech"),
        # money and luck in ordinary words
        ("扫码付款有优惠吗", "comment"),
        ("退款已到账 谢谢客服", "comment"),
        ("我一天赚五百都不够花", "comment"),
        ("关注主播领红包", "comment"),
        ("宝妈们用手机操作下单很方便", "comment"),
        ("信用卡提额怎么弄", "comment"),
        ("账号转让需要什么手续", "comment"),
        ("恭喜主播十万粉 卖得越来越好", "comment"),
        ("下播前最后一波 有问题私信客服", "speech"),
        ("我们支持到店自提", "speech"),
        ("截图发给客服", "comment"),
        # words an insult is made of
        ("去你家找你玩", "comment"),
        ("无脑买 不踩雷", "comment"),
        ("这种东西也配卖这么贵", "comment"),
        ("你是个狗狗爱好者吗", "comment"),
        ("韭菜盒子怎么做", "comment"),
        ("活该我手慢没抢到", "comment"),
        ("司马光砸缸", "comment"),
        ("我买的是250毫升的", "comment"),
        ("酸梅汤好喝吗", "comment"),
        ("没钱了 等发工资再买", "comment"),
        ("我胖成猪了 有大码吗", "comment"),
        ("祝主播全家身体健康", "comment"),
        ("你配吗这个颜色", "comment"),
        ("主播早点睡", "comment"),
        # goods and services that sound like prohibited ones
        ("安眠药不能乱吃 要遵医嘱", "comment"),
        ("全套上门安装多少钱", "speech"),
        ("空调上门维修", "comment"),
        ("象牙白的那款还有吗", "comment"),
        ("猛犸象牙雕摆件", "comment"),
        ("我牙掉了 吃不了硬的", "comment"),  # 牙掉 sounds like 牙雕
        ("你去试试 很好穿", "comment"),  # 去试 sounds like 去屎
        ("大麻花好吃", "comment"),
        ("伟哥来了 晚上好", "comment"),
        ("电子烟戒了好久了", "comment"),
        ("宠物定位器 防丢", "comment"),
        ("白麝香香水", "comment"),
        ("主播的小虎牙好可爱", "comment"),
        ("猫头鹰图案的杯子", "comment"),
        ("菜刀已开刃", "speech"),
        ("我的工资流水被银行修改了", "comment"),
        # claims the host does not make
        ("最高耐温一百二十度", "speech"),
        ("最大承重两百斤", "speech"),
        ("价格我不说最低 大家自己比", "speech"),
        ("这个味道很治愈", "speech"),
        ("至于价格 大家放心", "speech"),
        ("这个不能治疗失眠，只是助眠", "speech"),
        ("我们家明星产品 推荐给大家", "speech"),
        ("三甲医院的医生说不能乱吃", "speech"),
        ("戴上好看 显白", "speech"),
        ("杀菌率99%是检测报告写的", "speech"),
        ("刘海长出来了", "speech"),
    ],
)
def test_dev9_look_alikes_stay_clean(detector: LexiconDetector, text: str, scope: str) -> None:
    assert cats(detector, text, scope) == set()
