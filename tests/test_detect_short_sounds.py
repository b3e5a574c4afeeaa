"""Two-character terms heard by sound (short_homophones): a disguise is read, chance sounds
in ordinary words, across punctuation or in two respelled characters are not."""

from __future__ import annotations

import pytest

from config.loader import default_config_path, load_config
from monitor.detect.detector import LexiconDetector
from tests.detect_support import cats, fresh_detector, rules_only, shipped_detector


@pytest.fixture(scope="module")
def detector() -> LexiconDetector:
    return shipped_detector()


@pytest.mark.parametrize(
    ("text", "scope", "category"),
    [
        ("堵博平台 充一送一", "comment", "fraud"),  # 赌博
        ("喝了这个能抗爱", "speech", "ad_law"),  # 抗癌
        ("三天智愈湿疹", "speech", "ad_law"),  # 治愈
        ("有真枪出吗 私聊", "comment", "prohibited"),  # as written
        ("龟。儿。子", "comment", "abuse"),  # a mark in every gap spells it apart
        ("你是蛆吧", "comment", "abuse"),
        ("评论区那个骚货", "comment", "abuse"),
        ("加个薇信", "comment", "contact_diversion"),
        ("嘉个为 我发你", "comment", "contact_diversion"),  # no word of the text in it
        ("mmp气死我了", "comment", "abuse"),
        ("Q号多少 私聊", "comment", "contact_diversion"),  # QQ号 as Q号 still
        ("大马有货 私", "comment", "prohibited"),
    ],
)
def test_a_two_character_term_respelled_by_sound_is_read(
    detector: LexiconDetector, text: str, scope: str, category: str
) -> None:
    assert cats(detector, text, scope) == {category}


@pytest.mark.parametrize(
    "text",
    [
        "今天是我大妈生日",  # 大妈 is a word, not 大麻
        "这件外套掉毛吗",  # 掉毛 is shedding (an ordinary word the segmenter is given)
        "袜子穿了一个月还没破，谢谢主播",  # 破，谢 is across a comma
        "抽中的家人记得去领取",  # both characters differ: a chance sound
        "这个颜色你去试试就知道了",  # 试试 folds to one 试: a doubled verb, not 去屎
        "吸力真强，连纸屑都能吸",  # 真 + an adjective, not 真枪
        "这个辣椒味道真呛",
        "这款真抢手，又没了",
        "隔音效果真墙一样",
        "书什么时候到，还没见货",  # 货 kept: 见货 is no 贱货
        "双十一来直播间扫货",  # nor 扫货 骚货
        "如果你是去送礼的，选礼盒装",  # 去 standing in for 蛆 is the verb
        "订了四星级标间，离机场近",  # 四星 heard as 私信 is ordinary: no alibi against 星级
        "书很贵。儿子也不怎么看",  # a sound-alike across a full stop (龟儿子)
        "适配器太大，比我的旧款大一圈",  # across a comma (泰达币)
        "这件价格为99元，今天下单送赠品",  # 价格 respelled whole: a price, not 加个微
        "性价比高，再多上两件",  # 多多上 collapses to 多上 but is written with its repeat
        "买个MP3练听力",  # mmp as mp
        "直播间网络简直卡死了",  # 简直 as 兼职
        "早餐没啥东西吃",
        "已加购主播快上链接",  # 加购 is adding to the cart: 购主播 is no 狗主播
        "主播给大家留个好印象",  # 留个好 is no 留个号
        "收到了，给你留个好评",
    ],
)
def test_chance_sounds_in_ordinary_text_stay_clean(detector: LexiconDetector, text: str) -> None:
    assert cats(detector, text) == set()


def test_without_the_option_only_longer_or_marked_terms_are_heard() -> None:
    config = load_config(default_config_path())
    detection = rules_only(config.detection)
    categories = [c.model_copy(update={"short_homophones": False}) for c in detection.categories]
    off = fresh_detector(detection.model_copy(update={"categories": categories}), config.base_dir)
    assert cats(off, "堵博平台 充一送一") == set()
    assert cats(off, "赌博平台 充一送一") == {"fraud"}
