"""Negative sentiment, the dev16 and dev17 round's families, in sentences of our own (none
copied from the sets): a fault said with its intensity; regret and disappointment said
plainly; quality that got worse; mould, a rash, sick after eating; the feature sold missing
altogether; even the basics missing; a number worse than the label, the picture or the price
before; waiting (silence since, money not back, the Nth attempt, the gift not come); made
wrong; the host chatting instead of selling; and, asked, the shop accused, why a bad thing
happened, "is this what you call X", how am I to use it, nobody bothered, a fault this bad,
favouritism, danger, a promise said then how it changed; praise belied by what follows.
Neutral questions, praise that uses negation and chatter in the same words stay clean."""

from __future__ import annotations

import pytest

from config.loader import default_config_path, load_config
from monitor.detect.detector import LexiconDetector
from tests.detect_support import fresh_detector, rules_only
from tests.sentiment_families import family_checks

CONFIG = load_config(default_config_path())

FLAGGED = [
    # a fault with its intensity; regret, disappointment; quality that got worse
    "手机发热严重，很失望",
    "后悔下单了，太丑",
    "这个套路真坑",
    "质量明显下降，以前不是这样",
    # mould, a rash, sick after eating; the feature sold is not there at all
    "面包到手全部长霉了",
    "用了这个面霜脸上红了一大片",
    "羽绒服里一点绒都没有，全是丝棉",
    "买个手机连个充电头都没有",
    # a number worse than the label or the price just paid
    "链接标的是500克，称了比标的少了80克",
    "耳机买完第三天就降了三十",
    # waiting: silence since, money not back, the Nth attempt, the gift not come
    "客服最后一次回复是一周前",
    "退款提交了十天了，钱还没到账",
    "这是我第四次联系客服了",
    "赠品到现在都没收到",
    "换货申请一周了，谁来跟进一下？",
    "等了半个小时主播都没讲",
    # made wrong, sent wrong, spraying, silenced, chatting instead of selling
    "手机壳印错了图案",
    "热水壶盖子一直往外冒气",
    "怎么一说差评就把我拉黑了",
    "左右两只鞋尺码不一样",
    "拍的黑色来了件白色",
    "主播只顾着跟榜一聊，产品一句没讲",
    # asked: a fault this bad; is this how you ship; why it went wrong
    "吹风机这么吵正常吗？用了才一周",
    "饼干盒子压扁了，就这样寄过来的？",
    "我的包裹怎么绕到广州去了？",
    "同一款直播间比旗舰店贵十块，这是什么道理？",
    "商品改规格了也不通知一声？",
    "电动牙刷才用三天，怎么一按就不转了？",
    # a promise said, then how it changed
    "说好送小样的，怎么一个都没有？",
    "客服说包邮，怎么结算还有运费？",
    "页面写的送钢化膜，怎么盒子里没有？",
    "标着十小时续航，怎么用两小时就没电了？",
    # the shop accused; is this what you call X
    "这清洁剂气味这么大，是给人闻的吗？",
    "客服热线一直打不通，人呢？",
    "猪肉馅一煮全是水，是注水肉吗？",
    "手链戴了一周就褪色，真是纯银？",
    "说是防泼水，淋了点雨就湿透，还说防水？",
    "模特穿的和我收到的是同一件吗？",
    "主播是不是只理送礼物的大哥？",
    # how am I to use it; nobody bothered
    "螺丝孔装不上，让我怎么装？",
    "书架零件都对不上，怎么拼？",
    "玩具车没几天就断了，让孩子怎么玩？",
    "毛衣毛絮这么多，没人检查一下吗？",
    "退货寄回去半个月了，钱呢？",
    # praise belied by what follows
    "这手表真防水，洗个手就进水了",
    "主播真专业，一小时就介绍了两句",
    "客服真贴心，除了复制粘贴什么都不会",
    "赠品真大方，就一张贴纸",
    "真会挑，给我挑了件最旧的",
    "玩具真逼真，按钮都不会亮",
    "物流真给力，橘子到的时候已经是橘子泥了",
]

CLEAN = [
    # neutral questions in the same words
    "退款申请了要几天到账？",
    "寄回去的话运费谁出？",
    "赠品没收到的话找谁？",
    "主播说送的那个是什么颜色？",
    "链接里写的是多少克一袋？",
    "这个柜子怎么装？有视频吗",
    "孩子三岁能玩吗？怎么玩？",
    "主播，这是纯棉的吗？",
    "不懂就问，这是正品吗？",
    "这个按钮是干嘛的？",
    "打不通的话能在线联系吗？",
    "会不会打不通啊？",
    "主播试穿的和链接里的是同一款吗？",
    "这个牛排是原切的吗？",
    "主播开美颜了吗？",
    "快递能送到新疆吗？",
    "预售要等到什么时候发？",
    "这个表防水在哪里看？",
    "这个味道大不大？",
    "第一次用有点烫正常吗？",
    "大码比小码贵吗？",
    "刻字的话要多久？",
    "临期的话会提前说吗？",
    "长毛猫可以用吗？",
    "不会红肿吧？敏感肌能用吗",
    "一点绒都没有的话冬天冷吗？",
    "会不会左右码数不一样？",
    "谁来处理一下我的订单，想改地址",
    "质检是怎么做的？想了解一下",
    "不怕晒吗？想买给孩子",
    # praise that uses negation, and praise in the new cues' words
    "连个线头都没有，做工真好",
    "一点都不失望",
    "鞋子很好穿，不磨脚",
    "这个价格一点都不坑",
    "不丑，挺好看的",
    "后悔没早点买",
    "宝宝用了屁股一点都不红",
    "主播真会挑，每一件都好看",
    "赠品真大方，送了一整套",
    "续航绝了，充一次用三天",
    "效果一流，用了一周皮肤亮了",
    "夸一下物流，隔天就到",
    "猫很喜欢，一袋吃完又回购了",
    "这车模真逼真，门都能打开",
    "婴儿车真稳，推着不晃",
    "质量没有下降，还是老样子好",
    "主播只顾着给我们挑好货，太贴心了",
    "喷雾一直往外喷得很细，好用",
    # chatter and plain statements
    "第二次买了，还是很好用",
    "第三次回购了，宝宝很爱吃",
    "买完第二天就到货了，真快",
    "付款后第二天就发货了",
    "主播连个水都没喝，辛苦了",
    "光顾着看主播了，忘了下单",
]


@pytest.fixture(scope="module")
def detector() -> LexiconDetector:
    return fresh_detector(rules_only(CONFIG.detection), CONFIG.base_dir)


(
    test_the_families_are_negative,
    test_neutral_questions_and_praise_are_not,
    test_the_anchored_scan_finds_what_the_plain_patterns_find,
    test_a_complaint_asked_is_no_question_to_answer,
) = family_checks(FLAGGED, CLEAN)
