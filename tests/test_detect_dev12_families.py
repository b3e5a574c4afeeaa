"""Families grown in the dev12 round (looks, region and skin mocked plainly, sound-alike insults,
pirated courses, party drugs as sweets, urgency for good, health claims for jewellery and pet
food) and the reports, warnings and specifications that name the same words: members written
here (not the development rows) are flagged in their category; clean sentences built from the
same words stay clean."""

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
        # abuse: looks, region and skin said plainly
        ("看你这德行还好意思直播", "comment", "abuse"),
        ("就你这张脸还卖面膜", "comment", "abuse"),
        ("这模样也好意思出来带货", "comment", "abuse"),
        ("农村人也配用这个牌子", "comment", "abuse"),
        ("穷鬼凑什么热闹", "comment", "abuse"),
        ("肥成球了还出来带货", "comment", "abuse"),
        ("黑成煤球了还推美白霜", "comment", "abuse"),
        ("湖南人别来凑热闹", "comment", "abuse"),
        ("楼上是不是没脑子", "comment", "abuse"),
        # abuse: sound-alikes, symbols and look-alikes
        ("楼上就是个撒比", "comment", "abuse"),
        ("婊砸别装了", "comment", "abuse"),
        ("你这个碧池", "comment", "abuse"),
        ("垃圾去屎吧", "comment", "abuse"),
        ("下播就弄屎你", "comment", "abuse"),
        ("主播🧠里有💩", "comment", "abuse"),
        ("就你这🤡也配卖货", "comment", "abuse"),
        ("蛇精病吧你", "comment", "abuse"),
        ("你个老壬八", "comment", "abuse"),
        ("亻叟子才买", "comment", "abuse"),
        # prohibited: pirated courses, replicas, party drugs, symbols, look-alikes
        ("便宜出破解版课程", "comment", "prohibited"),
        ("翻录网课打包 私我", "comment", "prohibited"),
        ("复克腕表 一比一", "comment", "prohibited"),
        ("小药丸 夜店必备", "comment", "prohibited"),
        ("❄️纯度九九", "comment", "prohibited"),
        ("🏥不给开的药 找我", "comment", "prohibited"),
        ("大庥叶子有货", "comment", "prohibited"),
        ("收猎抢", "comment", "prohibited"),
        ("哪里有一次性电子烟卖", "comment", "prohibited"),
        ("色子上分 秒到账", "comment", "prohibited"),
        # the host's claims
        ("这款今天播完就永久下架", "speech", "ad_law"),
        ("错过今天以后都买不到", "speech", "ad_law"),
        ("用了百分之一百长头发", "speech", "ad_law"),
        ("这串珠子能平衡内分泌", "speech", "ad_law"),
        ("这猫粮专治猫藓", "speech", "ad_law"),
        ("喝一瓶就好了", "speech", "ad_law"),
        ("这块磁疗垫能疏通经络", "speech", "ad_law"),
        # pitches that reassure or point away stay flagged: a denial is no report
        ("加我微信领红包，我们不是骗子", "comment", "contact_diversion"),
        ("加我微信领红包，保证你不上当", "comment", "contact_diversion"),
        ("刷单日结，加我微信，别上当", "comment", "fraud"),
        ("我朋友做刷单一天三百，加我微信", "comment", "fraud"),
        ("我妈也在做这个兼职，日结，小心名额不多", "comment", "fraud"),
        ("加我微信，不回复的都删了", "comment", "contact_diversion"),
    ],
)
def test_dev12_families_are_flagged(
    detector: LexiconDetector, text: str, scope: str, category: str
) -> None:
    assert category in cats(detector, text, scope)


@pytest.mark.parametrize(
    ("text", "scope"),
    [
        # looks, region and skin in ordinary talk
        ("就你这身高穿M码刚好", "comment"),
        ("这长相真甜，还卖吗", "comment"),
        ("乡下人也能买到吗，包邮吗", "comment"),
        ("我最近胖成球了", "comment"),
        ("东北人就别买了，这个不抗冻", "comment"),
        ("外地的就别拍了，只发同城", "comment"),
        ("楼上是不是买过", "comment"),
        ("烤串黑得跟炭一样，火太大了", "comment"),
        # the sounds and symbols in ordinary words
        ("这次撒币活动几点开始", "comment"),
        ("你去试吧主播说能退", "comment"),
        ("衣服别弄湿了", "comment"),
        ("小丑鱼还有货吗", "comment"),
        ("大麻花好吃吗", "comment"),
        ("王八汤好喝", "comment"),
        ("壬寅年的纪念币", "comment"),
        # goods with the same words
        ("我买的课程不会是盗版吧", "comment"),
        ("正版网课在哪买", "comment"),
        ("学校复课了，孩子终于上学了", "comment"),
        ("糖果色的裙子有吗", "comment"),
        ("蹦迪穿这件合适吗", "comment"),
        ("老冰糖纯度高，量大从优", "comment"),
        ("冰种翡翠纯度高，透", "comment"),
        ("冰丝面料纯度高", "comment"),
        ("冰淇淋纯度高", "comment"),
        ("口香糖，夜店必备", "comment"),
        ("黄金纯度高，量大从优", "comment"),
        ("🏥排队太久了", "comment"),
        ("电子烟戒了三个月了", "comment"),
        ("骰子形状的耳环有吗", "comment"),
        # the host's honest speech
        ("这款暂时下架了，过几天补货", "speech"),
        ("这款百分之百羊毛，手感很软", "speech"),
        ("狗狗皮肤病要去宠物医院看", "speech"),
        ("这个狗粮吃一包就知道狗狗爱不爱吃", "speech"),
        ("我们家最大的码是XL", "speech"),
        ("最小的尺寸是十五寸", "speech"),
        # reports, warnings, questions and moderators
        ("我舅舅被刷单骗了五千，大家小心", "comment"),
        ("网贷骗局我妈差点上当，主播多讲讲", "comment"),
        ("杀猪盘千万别信", "comment"),
        ("赌博害人，家人们别碰", "comment"),
        ("扫码验真的码在哪里", "comment"),
        ("刚才让大家加微信的已经拉黑了", "comment"),
        ("那些说私下交易的都踢出去了", "comment"),
    ],
)
def test_dev12_look_alikes_stay_clean(detector: LexiconDetector, text: str, scope: str) -> None:
    assert cats(detector, text, scope) == set()
