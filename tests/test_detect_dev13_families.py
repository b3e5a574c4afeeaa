"""Families grown in the dev13 round and the reports, warnings, goods and models that name the
same words: members written here (not the development rows) are flagged in their category;
clean sentences built from the same words stay clean."""

from __future__ import annotations

import pytest

from monitor.detect.detector import LexiconDetector
from tests.detect_support import cats, shipped_detector


@pytest.fixture(scope="module")
def detector() -> LexiconDetector:
    return shipped_detector()


@pytest.fixture(scope="module")
def with_model() -> LexiconDetector:
    return shipped_detector(model=True)


@pytest.mark.parametrize(
    ("text", "scope", "category"),
    [
        # abuse: brains, figure, schooling, age, disability, region, voice, looks said plainly
        ("你脑子是不是忘家里了", "comment", "abuse"),
        ("客服出门没带脑子吧", "comment", "abuse"),
        ("就你这身材，穿啥都像个水桶", "comment", "abuse"),
        ("这种水平也敢直播", "comment", "abuse"),
        ("主播还是回老家喂猪吧", "comment", "abuse"),
        ("这么大岁数了还扮嫩", "comment", "abuse"),
        ("楼上肯定是小学没毕业", "comment", "abuse"),
        ("四川人卖的谁敢买", "comment", "abuse"),
        ("比煤球还黑还卖美白", "comment", "abuse"),
        ("说话像杀猪，刺耳", "comment", "abuse"),
        ("女人懂个屁的数码", "comment", "abuse"),
        ("哪来的自信开直播", "comment", "abuse"),
        ("又老又丑也好意思穿短裙", "comment", "abuse"),
        ("老头子别播了", "comment", "abuse"),
        ("结巴还直播，卖惨呢", "comment", "abuse"),
        ("你爸妈是怎么教你的", "comment", "abuse"),
        ("你们这种人活着纯属浪费空气", "comment", "abuse"),
        ("你这样的人是社会的败类", "comment", "abuse"),
        ("长这么丑还敢露脸", "comment", "abuse"),
        ("别开美颜吓唬人了", "comment", "abuse"),
        ("农村人就别出来丢人了", "comment", "abuse"),
        ("没脑子的韭菜跟着买", "comment", "abuse"),
        ("5b客服，不会回消息", "comment", "abuse"),
        ("你是一个白痴", "comment", "abuse"),
        ("妈的还骗人", "comment", "abuse"),
        # prohibited goods asked for: the question is the request
        ("整条的香烟有吗", "comment", "prohibited"),
        # prohibited: trade names, verified papers, escorts, logos, wild animals, sound-alikes
        ("出老象牙的镯子", "comment", "prohibited"),
        ("学历证学信网可查，私我", "comment", "prohibited"),
        ("驾照不用考，包拿", "comment", "prohibited"),
        ("空虚的大哥找上门服务", "comment", "prohibited"),
        ("外贸原单，大牌logo一模一样", "comment", "prohibited"),
        ("出售山里的穿山甲", "comment", "prohibited"),
        ("能让妹子听话的药，有货", "comment", "prohibited"),
        ("高方名牌包便宜出", "comment", "prohibited"),
        ("精仿的表，跟正品一样", "comment", "prohibited"),
        ("软中华一条一百", "comment", "prohibited"),
        ("烟弹芒果味的到了", "comment", "prohibited"),
        ("手枪，真假都行", "comment", "prohibited"),
        ("色子押注，赔率高", "comment", "prohibited"),
        ("针孔的，装哪都行", "comment", "prohibited"),
        ("安眠药没处方也能拿", "comment", "prohibited"),
        ("各类证件代办，当天出", "comment", "prohibited"),
        ("那种药丸找我拿", "comment", "prohibited"),
        # the host's claims: effects guaranteed, never sold again, cures in days, leaders,
        # every mosquito, fairer babies, radiation
        ("这瓶精华包你长出新头发", "speech", "ad_law"),
        ("孩子用了这套卷子保证提分", "speech", "ad_law"),
        ("今天过后再也不卖了", "speech", "ad_law"),
        ("这款梨膏还可以止咳化痰", "speech", "ad_law"),
        ("咳嗽的家人喝这个，三天就好", "speech", "ad_law"),
        ("国宴专用的酱油", "speech", "ad_law"),
        ("这个喷雾能杀死所有细菌", "speech", "ad_law"),
        ("戴上这个保证不被咬", "speech", "ad_law"),
        ("怀孕的时候喝，生下来的孩子更聪明", "speech", "ad_law"),
        ("这个贴纸可以抗辐射", "speech", "ad_law"),
        # pitches that deny or point away stay flagged: a denial is no report
        ("我不是托，加我看实拍", "comment", "contact_diversion"),
        ("不是冒充的，我就是主播本人，加我微信", "comment", "contact_diversion"),
        ("我们不是套路贷，不看征信秒批", "comment", "fraud"),
        ("我被骗过，所以现在只在这买，加我微信拉你进群", "comment", "contact_diversion"),
        # the platform's nickname and the messenger as cues
        ("小红薯上搜我", "comment", "contact_diversion"),
        ("在b站搜我的店名", "comment", "contact_diversion"),
        ("绿泡泡加我", "comment", "contact_diversion"),
        ("加vx-1380013800", "comment", "contact_diversion"),
        ("vx200型号有吗 加vx", "comment", "contact_diversion"),
    ],
)
def test_dev13_families_are_flagged(
    detector: LexiconDetector, text: str, scope: str, category: str
) -> None:
    assert category in cats(detector, text, scope)


CLEAN = [
    # reports, warnings and moderators: who is told, posing, shills, spam, removal
    ("真正的客服不会要你加vx", "comment"),
    ("官方从来不会叫你转账到私人账户", "comment"),
    ("我也被骗过，谁要验证码都别给", "comment"),
    ("房管把那个发加微信的踢了", "comment"),
    ("有人冒充客服私信让我加群，是你们的人吗", "comment"),
    ("网上不看征信的贷款都是套路，别碰", "comment"),
    ("楼上那个说私聊便宜的，是托吧", "comment"),
    ("评论区老有人发加qq的广告，主播管管", "comment"),
    # the same words about oneself, goods, family and ordinary life
    ("我脑子是不是落家里了，钥匙又忘了", "comment"),
    ("你这身材穿什么都好看", "comment"),
    ("我爸退休了回老家种地去了", "comment"),
    ("我还是回家种地吧，这个太贵了", "comment"),
    ("我妈腿脚不好还出来买菜", "comment"),
    ("无脑入，质量很好", "comment"),
    ("我活着就是为了吃", "comment"),
    ("我是女的，就是不懂车，求推荐", "comment"),
    ("一把年纪了还这么美", "comment"),
    ("这个玩具声音像鸭子叫，孩子很喜欢", "comment"),
    ("这本书适合没读过书的老人吗", "comment"),
    ("东北人卖的大米真香", "comment"),
    ("谁给你的优惠券", "comment"),
    ("又矮又胖的杯子有吗", "comment"),
    ("5B铅笔有吗", "comment"),
    ("你就是一个大好人", "comment"),
    ("白马的又卖完了", "comment"),
    # the same words in ordinary goods and questions
    ("老象棋盘有卖吗", "comment"),
    ("象牙白的手串好看", "comment"),
    ("毕业证丢了能补办吗", "comment"),
    ("驾照能查到扣分吗", "comment"),
    ("一个人在家寂寞，买个猫陪我", "comment"),
    ("空调有上门安装服务吗", "comment"),
    ("原单号查不到物流", "comment"),
    ("这个logo和专柜一样吗", "comment"),
    ("野生的菌子好吃吗", "comment"),
    ("让宝宝乖乖睡觉的音乐盒", "comment"),
    ("让女生变美的面膜", "comment"),
    ("给gf买个包，有推荐吗", "comment"),
    ("这件不是高仿吧，和正品一样吗", "comment"),
    ("中华牙膏一条多少钱", "comment"),
    ("这个香水是薄荷味的吗", "comment"),
    ("筋膜枪仿真的也行吗", "comment"),
    ("缝纫机针孔太小了穿不过线", "comment"),
    ("安眠的音乐有推荐吗", "comment"),
    ("证件照可以代办吗", "comment"),
    ("那种药我妈也在吃", "comment"),
    ("那种水果我这有", "comment"),
    # the host's honest speech with the same words
    ("这款洗发水不保证长头发，主要是清洁", "speech"),
    ("长头发的姐妹用这个梳子，保证不打结", "speech"),
    ("这款生发液保证正品", "speech"),
    ("名校老师编写的，保证正版", "speech"),
    ("这款厂家停产了，以后都不卖了", "speech"),
    ("嗓子疼要去医院看，别拖", "speech"),
    ("这个燕窝孕妇也能吃，要少量", "speech"),
    ("保证七天无理由退货，家人们放心拍", "speech"),
    # questions about what the goods are stay questions
    ("这个是不是高仿啊，有货源证明吗", "comment"),
    ("电子烟能带上飞机吗", "comment"),
    ("上门服务要预约吗", "comment"),
    ("香烟盒子有整条装的吗", "comment"),
    # goods and models with the same words
    ("洗衣液起绿泡泡正常吗", "comment"),
    ("烤小红薯好吃", "comment"),
    ("小红薯多少钱一斤", "comment"),
    ("b站刷到过这款", "comment"),
    ("VX200款的充电器有货吗", "comment"),
    ("这个托盘是木头的吗", "comment"),
]


@pytest.mark.parametrize(("text", "scope"), CLEAN)
def test_dev13_look_alikes_stay_clean(detector: LexiconDetector, text: str, scope: str) -> None:
    assert cats(detector, text, scope) == set()


@pytest.mark.parametrize(
    "text",
    ["我也被骗过，谁要验证码都别给", "有人冒充客服私信让我加群，是你们的人吗"],
)
def test_dev13_reports_quiet_the_model(with_model: LexiconDetector, text: str) -> None:
    assert cats(with_model, text) == set()
