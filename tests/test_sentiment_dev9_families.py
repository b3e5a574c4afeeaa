"""Negative sentiment, the dev9 round's families: money wasted and goods refused, dye that
runs and coatings that come off, not the thing shown, a host who talks with no link, repeated
promises, praise mocked by what followed (三天一条, 直接去医院, a quoted promise praised), and
where the promised gift went."""

from __future__ import annotations

import pytest

from config.loader import default_config_path, load_config
from monitor.detect.detector import LexiconDetector
from monitor.detect.questions import classify_question
from tests.detect_support import cue, fresh_detector, rules_only
from tests.sentiment_families import family_checks

CONFIG = load_config(default_config_path())

FLAGGED = [
    # money wasted; a pet or a child that won't touch it
    "这件外套白买了，根本穿不出去",
    "买了三盒面膜，钱打水漂了",
    "狗狗一口都不吃，只能送人了",
    "孩子尝都不尝，直接推开",
    "猫闻了闻就跑开了",
    # dye that runs, plating and coatings that come off with use
    "红袜子把白衬衫染成粉的了",
    "新毛巾一洗就染到浴巾上了",
    "炒锅不到一个月就开始掉漆了",
    "项链戴了几天镀层全掉了",
    # the price changed overnight; short weight; weighed with its box
    "上周买八十九，这周六十九",
    "昨天拍的一百五，今天一百一",
    "茶叶少了二十克",
    "这斤两是连包装一起称的吧",
    # not the thing shown or bought
    "实物跟宣传图毫无关系",
    "颜色和视频里差太多了",
    "发来的和我拍的不是同一款",
    # the host talks on with no link, nags, promises the same thing every time
    "主播磨叽了四十分钟还没上链接",
    "链接都没上，光在那儿聊天",
    "主播太啰嗦了，一句话说十遍",
    "主播就知道催单，烦死了",
    "天天说明天发货，明天到底是哪天？",
    "主播一直画饼，一次都没兑现",
    "这种答非所问的客服要来干嘛",
    "保质期就剩半个月，快过期了还发给我",
    # praise, then what mocks it
    "客服真专业，连价格都算错",
    "这双鞋真舒服，走了一天直接进了医院",
    "客服可真及时，一周一条回复",
    "物流真快，马上半个月了",
    '好一个"包邮"，运费另算',
    "主播的“秒发”真准时",
    # where the promised gift went; which "next time"
    "说好的赠品哪去了？",
    "直播间送的小样跑哪去了？",
    "每次都说下次补货，下次是哪次",
]

CLEAN = [
    # praise and chatter in the new cues' own words
    "孩子一口气全吃完了",
    "猫咪闻到味道就跑过来了",
    "狗狗尝了一口就爱上了",
    "会不会染到别的衣服上？",
    "深色的第一次洗会串色吗",
    "头发染成酒红色了，很显白",
    "喝了一周体重开始掉了",
    "什么时候开始抢",
    "涂层脱落怎么办",
    "不粘锅涂层是什么材质",
    "跟图片有色差没关系，能接受",
    "跟图片一模一样，好评",
    "这两件不是同一款吗",
    "是不是同一批货",
    "昨天刚买，今天就到了，好快",
    "前天下单今天就到了",
    "上次买了两件这次再买三件",
    "主播播了三个小时都没休息，辛苦了",
    "主播讲了一个小时才开始抽奖，好期待",
    "主播讲了半小时终于上链接了，冲",
    "我再啰嗦一句，记得点关注",
    "主播讲得不啰嗦，直接上链接",
    "手绘画饼干真可爱",
    "主播天天说明天见，已经成习惯了",
    "宝宝每次都说明天还要吃",
    "保质期会不会快过期",
    "下次是什么时候直播",
    "赠品在哪里领",
    "这件真保暖，马上入冬了",
    "主播讲解真专业，问什么都答得上",
    "连包装都很精致",
]


@pytest.fixture(scope="module")
def detector() -> LexiconDetector:
    return fresh_detector(rules_only(CONFIG.detection), CONFIG.base_dir)


(
    test_the_families_are_negative,
    test_praise_chatter_and_questions_are_not,
    test_the_anchored_scan_finds_what_the_plain_patterns_find,
    _,
) = family_checks(FLAGGED, CLEAN)


def test_each_family_has_its_cue() -> None:
    assert cue("implicit", "白花钱") and cue("implicit", "闻都不闻")
    assert cue("implicit", "把白裙子染花了") and cue("implicit", "涂层开始掉")
    assert cue("implicit", "跟图片毫无关系") and cue("implicit", "连盒子一起称")
    assert cue("implicit", "讲了二十分钟还没上链接") and cue("implicit", "天天说明天就发")
    assert cue("implicit", "少了零点五克")
    assert cue("sarcasm", "回复真快，三天一条") and cue("sarcasm", "真准时，马上一周了")
    assert cue("sarcasm", "讲解真专业，答错一半")
    assert cue("complaint", "说好的赠品去哪了") and cue("complaint", "改天是哪天")


def test_the_new_facts_stay_quiet_when_denied_or_asked() -> None:
    assert not cue("implicit", "不白花钱") and not cue("implicit", "涂层掉吗")
    assert not cue("implicit", "头发染成栗色了") and not cue("implicit", "把头发染了")
    assert not cue("implicit", "这两件不是同一款吧")
    assert not cue("implicit", "手绘画饼干")
    assert not cue("sarcasm", "面膜真好用，用了快一个月了")
    assert not cue("complaint", "下次是哪个主播")


def test_where_the_gift_went_is_no_question_to_answer() -> None:
    assert classify_question("说好的赠品去哪了？") is None
    assert classify_question("赠品在哪里领？") is not None
