"""The lexicon detector: categories, allowlist, boundaries, scope, contact rules, window."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from config.detection import DetectionConfig
from config.loader import default_config_path, load_config
from monitor.detect.detector import LexiconDetector
from monitor.detect.hits import proper_name as _proper_name
from monitor.events import AnyEvent, parse_event
from tests.detect_support import cats, fresh_detector, rules_only, shipped_detector

CONFIG = load_config(default_config_path())


@pytest.fixture(scope="module")
def detector() -> LexiconDetector:
    return shipped_detector()


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("加.微.信 领红包", "contact_diversion"),
        ("加 微 信", "contact_diversion"),
        ("微---信号多少", "contact_diversion"),
        ("加【微】信", "contact_diversion"),
        ("加微❤信", "contact_diversion"),
        ("薇信 abc12345", "contact_diversion"),
        ("我的微信：9⓿二肆⁹₈③⑸⒋➃㈤㊄", "contact_diversion"),
        ("ＶＸ：ａｂｃ１２３", "contact_diversion"),
        ("看主页联系", "contact_diversion"),
        ("企鹅 壹贰叁肆伍陆柒捌", "contact_diversion"),
        ("主播是傻逼", "abuse"),
        ("Ⓕⓤc⒦ you", "abuse"),
        ("你是sb", "abuse"),  # a Latin term right after Chinese stands alone
        ("sb", "abuse"),
        ("ＦＵＣＫ", "abuse"),
        ("傻@逼", "abuse"),
        ("下三滥", "abuse"),
        ("刷 单 兼 职 日 结", "fraud"),
        ("好评返现找我", "fraud"),
        ("網賭帶你回本", "fraud"),
        ("有冰毒吗", "prohibited"),
    ],
)
def test_evasions_are_caught(detector: LexiconDetector, text: str, category: str) -> None:
    assert category in cats(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "usb接口是什么",
        "稍微信任一下主播",
        "因为信任主播才买的",
        "路口交通不方便",
        "地铁口交易的那家店",
        "have a look",
        "Middlesex",
        "你码数多少",
        "到货很快，特价还有吗",
        "房间价格多少",
        "订单号 1380013800 什么时候发货",
        "可以用微信支付吗",
        "第一次买，最喜欢这个颜色",
        "能开发票吗",
        # A Latin term glued to letters on its left is part of another word.
        "xsb",
        "好xsb",
        "absb好",
        "hotel 12345678",
        "cancall 12345678",
        "myvx号",
    ],
)
def test_ordinary_chatter_stays_clean(detector: LexiconDetector, text: str) -> None:
    assert cats(detector, text) == set()


def test_ad_law_applies_to_speech_not_comments(detector: LexiconDetector) -> None:
    assert "ad_law" in cats(detector, "全网最低价，根治脱发", "speech")
    assert "ad_law" in cats(detector, "国家级品质", "title")
    assert cats(detector, "全网最低价，根治脱发", "comment") == set()
    assert cats(detector, "这是最近第一次上新", "speech") == set()


def test_spans_point_into_the_original_text(detector: LexiconDetector) -> None:
    text = "大家好 加.微.信 领红包"
    (finding,) = detector.analyze(text).sensitive
    (ev,) = finding.evidence
    assert text[ev.start : ev.end] == "加.微.信"
    assert ev.term == "加微信"


def test_contact_needs_a_cue_and_the_window_joins_split_comments() -> None:
    det = fresh_detector(rules_only(CONFIG.detection), CONFIG.base_dir)
    assert cats(det, "订单 12345678 到了吗", user="a") == set()
    # One contact split over comments by one user: cue, then the number in pieces.
    assert cats(det, "想要的扣我", user="b") == set()
    assert cats(det, "手机号", user="b") == set()
    assert cats(det, "13", user="b") == set()
    assert cats(det, "8０", user="b") == set()  # still only four digits in all
    assert cats(det, "013", user="b") == {"contact_diversion"}
    analysis = det.analyze("⑧〇〇〇", "comment", user="b", ts=2.0)
    (finding,) = analysis.sensitive
    assert finding.category == "contact_diversion" and finding.via == "window"
    assert finding.evidence[0].term == "phone:13800138000"
    assert (finding.evidence[0].start, finding.evidence[0].end) == (0, 4)
    # Another user's pieces never join this user's.
    assert cats(det, "8000", user="c") == set()


def test_window_forgets_old_comments() -> None:
    det = fresh_detector(rules_only(CONFIG.detection), CONFIG.base_dir)
    det.analyze("加我扣扣号", "comment", user="u", ts=0.0)
    assert det.analyze("987654321", "comment", user="u", ts=10.0).sensitive  # in the window
    det.analyze("加我扣扣号", "comment", user="w", ts=0.0)
    # A QQ number needs its cue (a whole mobile number would not: see below).
    assert not det.analyze("987654321", "comment", user="w", ts=500.0).sensitive
    assert det.analyze("987654321", "comment", user="v", ts=0.0).sensitive == []


def test_detect_builds_signals(detector: LexiconDetector) -> None:
    event = parse_event({"kind": "comment", "room": "r1", "text": "骗子！退款", "user": "u9"})
    signals = detector.detect(event)
    kinds = {s.kind.value for s in signals}
    assert "negative" in kinds
    speech = parse_event({"kind": "speech", "room": "r1", "text": "史上最低价"})
    (sig,) = detector.detect(speech)
    assert sig.category == "ad_law" and sig.user == "host" and sig.evidence


def write_config(tmp: Path, terms: str) -> DetectionConfig:
    (tmp / "words.txt").write_text(terms, "utf-8")
    (tmp / "complaints.tsv").write_text("fake\t假货\n", "utf-8")
    (tmp / "contact_cues.txt").write_text("微信\n", "utf-8")
    return DetectionConfig.model_validate(
        {
            "lexicon_dir": str(tmp),
            "categories": [{"id": "custom", "files": ["words.txt"], "severity": "critical"}],
        }
    )


def test_reload_swaps_and_a_broken_file_keeps_the_old_lexicon(tmp_path: Path) -> None:
    cfg = write_config(tmp_path, "苹果\n")
    det = LexiconDetector(cfg, tmp_path)
    assert cats(det, "苹果手机") == {"custom"}
    assert det.check_reload() is False
    (tmp_path / "words.txt").write_text("香蕉\n", "utf-8")
    assert det.check_reload() is True
    assert cats(det, "香蕉") == {"custom"} and cats(det, "苹果") == set()
    (tmp_path / "words.txt").write_bytes(b"\xff\xfe broken")
    assert det.check_reload() is True
    assert "not UTF-8" in det.last_error
    assert cats(det, "香蕉") == {"custom"}  # the old lexicon is still in force
    assert det.metrics.healthy._value.get() == 0
    assert det.check_reload() is False  # not retried until the file changes again
    (tmp_path / "words.txt").write_text("葡萄\n", "utf-8")
    assert det.check_reload() is True and det.last_error == ""
    assert cats(det, "葡萄") == {"custom"}


def test_complaint_file_errors_name_the_line(tmp_path: Path) -> None:
    cfg = write_config(tmp_path, "苹果\n")
    det = LexiconDetector(cfg, tmp_path)
    (tmp_path / "complaints.tsv").write_text("fake\t假货\nnot-a-category\t坏\n", "utf-8")
    assert det.reload() is False
    assert "complaints.tsv:2" in det.last_error and "unknown category" in det.last_error


@pytest.mark.parametrize("text", ["先加微信支付定金再发货", "加微信付款更便宜"])
def test_allowlist_drops_only_hits_wholly_inside_an_allowed_word(
    detector: LexiconDetector, text: str
) -> None:
    # 微信支付 / 微信付款 are allowlisted; 加微信 overlaps them without lying inside, so it stays.
    assert "contact_diversion" in cats(detector, text)
    assert "contact_diversion" not in cats(detector, "可以用微信支付吗")


def test_sound_alike_matching_needs_three_syllables_for_deny_terms() -> None:
    """Deny terms of three or more characters match by sound; two-character ones do not
    (死我 for 私我 is ordinary text far more often than a diversion)."""
    from config.detection import KeywordCategory

    config = DetectionConfig(
        categories=[
            KeywordCategory(id="fraud", terms=["跑分群", "跑分平台", "私聊"], homophones=True),
            KeywordCategory(id="plain", terms=["退款群"]),
        ]
    )
    det = fresh_detector(config, CONFIG.base_dir)
    assert "fraud" in cats(det, "进泡芬群赚钱")  # 跑分群, three syllables, by sound
    assert "fraud" in cats(det, "泡芬平台日结")  # 跑分平台, four
    assert "fraud" in cats(det, "跑分群")  # as written
    assert "fraud" not in cats(det, "丝聊一下")  # 私聊 by sound: two syllables, not matched
    assert "fraud" in cats(det, "私聊一下")
    # A category without homophones matches only as written, whatever the length.
    assert "plain" in cats(det, "进退款群")
    assert "plain" not in cats(det, "进腿宽群")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("加我彳散亻言", "contact_diversion"),  # 微信 split into components
        ("私亻言我", "contact_diversion"),
        ("卖亻方真木仓", "prohibited"),  # every character of 仿真枪 that has a split, split
        ("吊刂单兼职", "fraud"),
        ("你女马的", "abuse"),
        ("加我徵信", "contact_diversion"),  # 徵 folds to 征, a look-alike of 微
        ("傻🅱️", "abuse"),
    ],
)
def test_look_alike_spellings_are_caught(
    detector: LexiconDetector, text: str, category: str
) -> None:
    assert category in cats(detector, text)
    ev = detector.analyze(text).sensitive[0].evidence[0]
    assert ev.start >= 0 and ev.end <= len(text) and ev.end - ev.start >= 2


@pytest.mark.parametrize("text", ["女子组冠军", "征信报告怎么查", "这个木仓库存", "我们是石马村的"])
def test_look_alike_pieces_alone_stay_clean(detector: LexiconDetector, text: str) -> None:
    assert cats(detector, text) == set()


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("这是最权威的品牌", True),
        ("最安全的材质", True),
        ("最后一分钟", False),
        ("这个茶能降血压", True),
        ("无任何副作用", True),
        ("有湿疹的宝宝请先咨询医生", False),
    ],
)
def test_advertising_claims_in_speech(detector: LexiconDetector, text: str, flagged: bool) -> None:
    assert ("ad_law" in cats(detector, text, "speech")) is flagged


def test_the_hosts_speech_segments_share_a_contact_window() -> None:
    det = fresh_detector(rules_only(CONFIG.detection), CONFIG.base_dir)

    def speech(room: str, ts: float, text: str) -> AnyEvent:
        return parse_event({"kind": "speech", "room": room, "ts": ts, "text": text})

    number = "一三八零零一三八零零零"
    first, second = speech("r7", 10.0, "想要的家人加我微信"), speech("r7", 14.0, number)
    other_room = speech("r8", 14.0, number)
    det.detect(first)
    assert det.detect(other_room) == []  # another room's host said no cue
    (sig,) = det.detect(second)
    assert sig.category == "contact_diversion" and sig.user == "host"


def test_a_pair_with_alternatives_stands_for_every_combination() -> None:
    """贷款|网贷&黑户|征信 is four pairs: one word of each group must be in the comment."""
    from config.detection import KeywordCategory

    config = DetectionConfig(
        categories=[
            KeywordCategory(id="fraud", terms=["贷款|网贷&黑户|征信"], negation=True),
        ]
    )
    det = fresh_detector(config, CONFIG.base_dir)
    assert len(det.lexicon.pairs) == 4
    for text in ("贷款不看征信", "黑户也能网贷", "网贷，征信花了也行", "黑户贷款"):
        assert cats(det, text) == {"fraud"}, text
    for text in ("贷款买的房", "征信报告怎么查", "黑户", "网贷"):
        assert cats(det, text) == set(), text
    assert cats(det, "网贷不看征信吗") == set()  # asked about, not offered
    # A negated part does not count towards its pair, in a category that reads negation only.
    for text in ("黑户不能贷款", "征信没问题，不能网贷"):
        assert cats(det, text) == set(), text
    # A pair undone by a negated part leaves the other pairs of the comment to be checked.
    for text, pair in (("不能贷款，黑户网贷", "网贷&黑户"), ("不能网贷，黑户贷款", "贷款&黑户")):
        [finding] = det.analyze(text, "comment", ts=1.0).sensitive
        assert [(e.term, e.start, e.end) for e in finding.evidence] == [(pair, 5, 9)], text
    # The evidence spans the pair from its first part's start to its last part's end.
    [finding] = det.analyze("黑户也能网贷", "comment", ts=1.0).sensitive
    assert [(e.term, e.start, e.end) for e in finding.evidence] == [("网贷&黑户", 0, 6)]
    plain = DetectionConfig(categories=[KeywordCategory(id="fraud", terms=["贷款|网贷&黑户|征信"])])
    plain_det = fresh_detector(plain, CONFIG.base_dir)
    for text in ("黑户不能贷款", "征信没问题，不能网贷"):
        assert cats(plain_det, text) == {"fraud"}, text


def test_a_sound_only_term_flags_its_homophones_not_the_word_itself() -> None:
    """~~兼职: 兼职 as written is an ordinary word (兼职带娃); 兼值, 坚职 are spelled to evade,
    and a dictionary word that sounds alike (简直) stays clean."""
    from config.detection import KeywordCategory

    config = DetectionConfig(
        categories=[KeywordCategory(id="fraud", terms=["~~兼职", "刷单"], homophones=True)]
    )
    det = fresh_detector(config, CONFIG.base_dir)
    assert cats(det, "兼值，私我") == {"fraud"}
    assert cats(det, "招坚职") == {"fraud"}
    assert cats(det, "我是兼职做家教的") == set()
    assert cats(det, "这也简直太好看了") == set()
    assert cats(det, "jianzhi") == set()  # a Latin spelling may be 简直 as well
    assert cats(det, "刷单") == {"fraud"}  # other terms of the category are unchanged


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("贷款|网贷", "only in a pair"),
        ("贷款||网贷&征信", "empty alternative"),
        ("|".join(["词"] * 50) + "&" + "|".join(["字"] * 50), "pairs on one line"),
    ],
)
def test_bad_alternatives_name_the_file_and_line(tmp_path: Path, line: str, reason: str) -> None:
    cfg = write_config(tmp_path, "苹果\n")
    det = LexiconDetector(cfg, tmp_path)
    (tmp_path / "words.txt").write_text(f"香蕉\n{line}\n", "utf-8")
    assert det.reload() is False
    assert "words.txt:2" in det.last_error and reason in det.last_error


@pytest.mark.parametrize(
    ("text", "category", "scope"),
    [
        ("网代秒下", "fraud", "comment"),  # 网贷 by sound
        ("代款不看征信", "fraud", "comment"),
        ("专业带单，炒币日收益百分之十", "fraud", "comment"),  # investment template
        ("高价收购支付宝账号", "fraud", "comment"),  # account trading template
        ("中奖的宝宝先交手续费", "fraud", "comment"),  # prize + fee template
        ("想做代理的先交押金", "fraud", "speech"),
        ("沙比主播", "abuse", "comment"),  # 傻逼 by sound
        ("脑惨", "abuse", "comment"),
        ("这个枕头能治颈椎病", "ad_law", "speech"),  # curative verb + condition
        ("吃了能提高孩子的记忆力", "ad_law", "speech"),
        ("有💚软件的找我", "contact_diversion", "comment"),  # 💚 stands for 绿色
        ("拼多多搜同款更便宜", "contact_diversion", "comment"),
        ("想要的加我个人微信", "contact_diversion", "speech"),  # fillers in a family of terms
        ("大家记一下我的号码", "contact_diversion", "speech"),
        ("先把钱转到我个人支付宝", "fraud", "speech"),  # a private account
        ("有问题直接打我手机", "contact_diversion", "speech"),
        ("这款防脱洗发水保证长出新头发", "ad_law", "speech"),
        ("你是真的蠢", "abuse", "comment"),
        ("有人要催情香水吗", "prohibited", "comment"),
        ("逗音搜我", "contact_diversion", "comment"),  # app names by sound
        ("精东买更便宜", "contact_diversion", "comment"),
        ("丝聊我", "contact_diversion", "comment"),  # a cue spelled by sound
        ("减20 加我 13912345678", "contact_diversion", "comment"),  # a mobile after 减: no price
    ],
)
def test_templates_sounds_and_symbols(
    detector: LexiconDetector, text: str, category: str, scope: str
) -> None:
    assert category in cats(detector, text, scope)


@pytest.mark.parametrize(
    ("text", "scope"),
    [
        ("兼职带娃没时间看直播", "comment"),
        ("贷款买的房，要省钱", "comment"),
        ("网贷逾期了怎么办", "comment"),
        ("福袋中奖了怎么领", "comment"),
        ("满199减30，算下来168", "comment"),  # 168 is a price, not 1688
        ("怕是高仿，专柜验了是真的", "comment"),
        ("我们不卖高仿，全部是正品", "speech"),
        ("大家不要相信什么刷单兼职，都是骗人的", "speech"),
        ("生病了要去医院治疗，这个只是保健", "speech"),
        ("这个不能治疗失眠，只是助眠", "speech"),
        ("食盐里有亚铁氰化钾吗", "comment"),
        ("火药味太浓了", "comment"),
        ("去年在拼多多买过一次，质量不如这个", "comment"),  # a past purchase
        ("淘宝上也有你们的旗舰店吗", "comment"),  # the shop's own store elsewhere
        ("大家可以去我们官网查防伪码", "speech"),
        ("你们家京东旗舰店的是正品吗", "comment"),
        ("淘宝买的跟这个一样吗", "comment"),
        ("微信转账我不会，怎么付款", "comment"),
        ("仿真墙纸有吗", "comment"),
        ("你真好看", "comment"),
        ("快收到了", "comment"),
        ("这事惊动了老板", "comment"),
        ("我有私心", "comment"),
    ],
)
def test_template_look_alikes_stay_clean(detector: LexiconDetector, text: str, scope: str) -> None:
    assert cats(detector, text, scope) == set()


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("⑬⑨①②③④⑤⑥⑦⑧ 薇", True),  # a whole mobile number needs no cue in a comment
        ("有货 13912345678", True),
        ("订单号13912345678还没发货", False),  # an order number by its words
        ("快递单号 1391234567812 到哪了", False),  # longer than a mobile number
        ("12888元的那款", False),
    ],
)
def test_a_whole_mobile_number_in_a_comment_is_a_contact(
    detector: LexiconDetector, text: str, flagged: bool
) -> None:
    assert ("contact_diversion" in cats(detector, text)) is flagged


def test_the_host_reading_an_order_number_aloud_is_no_contact() -> None:
    """The host says 订单号 in one segment and the number in the next: a bare number in
    speech needs a cue."""
    det = shipped_detector()
    assert cats(det, "一三八零零一三八零零零是我随便说的", "speech", user="h") == set()
    assert "contact_diversion" in cats(det, "加我 一三八零零一三八零零零", "speech", user="h2")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("私✉️我", "contact_diversion"),  # ✉ stands for 信
        ("加我微✉️", "contact_diversion"),
        ("加✈️聊", "contact_diversion"),  # ✈ for 飞机, Telegram
        ("你个🐢儿子", "abuse"),
        ("🌐赌带回本", "fraud"),
    ],
)
def test_symbols_standing_for_syllables(
    detector: LexiconDetector, text: str, category: str
) -> None:
    assert category in cats(detector, text)


@pytest.mark.parametrize("text", ["纸飞机折法", "我坐✈️去的", "这个飞机模型多少钱"])
def test_planes_are_planes(detector: LexiconDetector, text: str) -> None:
    assert cats(detector, text) == set()


def test_a_term_with_groups_stands_for_every_spelling() -> None:
    """(加|加个|加我的)(微信|qq) is six terms written next to each other; an empty
    alternative leaves the group out."""
    from config.detection import KeywordCategory

    config = DetectionConfig(
        categories=[
            KeywordCategory(id="contact", terms=["(加|加个|加我的)(微信|qq)", "记下(我的|)号码"])
        ]
    )
    det = fresh_detector(config, CONFIG.base_dir)
    for text in ("加个微信", "加我的qq", "加微信", "记下我的号码", "记下号码"):
        assert cats(det, text) == {"contact"}, text
    for text in ("加个好友", "加我的", "微信", "记下我们的号码", "加一个微信"):
        assert cats(det, text) == set(), text


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("(加|加个(微信)", "unbalanced"),
        ("加个)微信", "unbalanced"),
        ("((加))微信", "nested"),
        ("关注(我的)?小号", "(a|)"),
    ],
)
def test_bad_groups_name_the_file_and_line(tmp_path: Path, line: str, reason: str) -> None:
    cfg = write_config(tmp_path, "苹果\n")
    det = LexiconDetector(cfg, tmp_path)
    (tmp_path / "words.txt").write_text(f"香蕉\n{line}\n", "utf-8")
    assert det.reload() is False
    assert "words.txt:2" in det.last_error and reason in det.last_error


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # qq and 钉钉 collapse to q and 钉: the cue counts only where the run is written out.
        ("qq 382910475", {"contact_diversion"}),
        ("钉钉 13912345678", {"contact_diversion"}),
        ("钉钉联系我", {"contact_diversion"}),
        ("q 382910475", {"contact_diversion"}),  # the one-character cue, right before a number
        ("Q弹 3斤装 一共 38291 克", set()),
        ("鞋钉 3个装 382910475", set()),
        ("Q版公仔 382910", set()),
        ("钉钉打卡好烦 下班来看直播", set()),
        ("QQ糖还有吗", set()),
    ],
)
def test_repeated_character_cues_need_the_run(
    detector: LexiconDetector, text: str, expected: set[str]
) -> None:
    assert cats(detector, text) == expected


def test_repeated_character_term_keeps_its_run() -> None:
    det = shipped_detector()
    runs = {t.text: t.run for t in det.lexicon.terms if t.text in ("qq", "钉钉", "q", "扣")}
    assert runs == {"qq": 2, "钉钉": 2, "q": 1, "扣": 1}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A common character standing in for a term's character counts beside another
        # respelled character (草 for 操) or in a term of four characters or more.
        ("草你码", {"abuse"}),
        ("你码死了", {"abuse"}),
        ("操你吗的", {"abuse"}),
        # As the only change in a shorter term it is ordinary text.
        ("你码数多大 我参考下", set()),
        ("因为信任你才买的", set()),
        ("给你妈买的吗", set()),
        # ... nor in a dictionary word (大码, the large size, is no 大麻).
        ("赌一把买大码", set()),
        ("logo都印歪了", set()),  # two syllables with a common one: not 抖音
        ("出大马 懂的来", {"prohibited"}),
        ("大马士革玫瑰味道好闻", set()),
        ("出K 私聊", {"prohibited"}),
        ("卧槽泥马", {"abuse"}),
        ("傻杯主播", {"abuse"}),
    ],
)
def test_common_characters_in_sound_alikes(
    detector: LexiconDetector, text: str, expected: set[str]
) -> None:
    assert cats(detector, text) == expected


def _proper_name_reference(text: str, start: int, end: int) -> bool:
    """What `_proper_name` means, written differently: the ASCII-letter run holding the hit is
    one capitalized word, and something other than spaces comes before it."""
    left = start - len(re.search(r"[A-Za-z]*\Z", text[:start]).group())  # type: ignore[union-attr]
    right = end + len(re.match(r"[A-Za-z]*", text[end:]).group())  # type: ignore[union-attr]
    if not text[:left].strip() or not text[start:end].isalpha():
        return False
    return text[left:right].istitle()


@pytest.mark.parametrize(
    ("text", "hit", "name"),
    [
        ("加我 Jiawei 好吗", "Jiawei", True),  # a name typed mid-sentence
        ("Jiawei 你好", "Jiawei", False),  # the first word: the keyboard capitalized it
        ("加我 jiawei", "jiawei", False),
        ("加我 JIAWEI", "JIAWEI", False),
        ("找Dawei", "ei", True),  # the hit is the end of a capitalized word
        ("找Dawei是li", "Da", True),  # a word ends where the Latin letters end
        ("xWeixin 你好", "Weixin", False),  # part of the first word is still the first word
        ("加我 We1xin", "We1", False),  # not all letters
    ],
)
def test_a_latin_spelling_is_a_name_only_as_one_capitalized_word_after_the_start(
    text: str, hit: str, name: bool
) -> None:
    start = text.index(hit)
    assert _proper_name(text, start, start + len(hit)) is name


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="aAbB 好1", max_size=10), cut=st.tuples(st.integers(), st.integers()))
def test_proper_name_agrees_with_its_reference(text: str, cut: tuple[int, int]) -> None:
    if not text:
        return
    start, end = sorted(c % (len(text) + 1) for c in cut)
    if start == end:
        return
    assert _proper_name(text, start, end) == _proper_name_reference(text, start, end)


def test_look_alike_spellings_stand_for_terms_of_two_characters_or_more() -> None:
    """木仓 is 枪 split into its components: as part of 枪支 it is meant, alone it is too
    likely an ordinary pair of characters, so a one-character term has no look-alike."""
    from config.detection import KeywordCategory

    config = DetectionConfig(categories=[KeywordCategory(id="weapons", terms=["枪", "枪支"])])
    det = fresh_detector(config, CONFIG.base_dir)
    assert cats(det, "卖木仓支") == {"weapons"}
    assert cats(det, "枪") == {"weapons"}
    assert cats(det, "木仓") == set()


def test_a_term_gets_at_most_max_lookalikes_spellings() -> None:
    """Each of 你他她仿信 has a look-alike (亻尔 …): every spelling with one character
    respelled comes first, then two, until MAX_LOOKALIKES; all of one kind are never
    reached before all of the fewer kind."""
    from config.detection import KeywordCategory
    from monitor.detect.spellings import MAX_LOOKALIKES, lookalike_spellings

    config = DetectionConfig(categories=[KeywordCategory(id="x", terms=["你他她仿信"])])
    lexicon = fresh_detector(config, CONFIG.base_dir).lexicon
    table = lexicon.normalizer.lookalikes
    spelled = lookalike_spellings(lexicon.normalizer, lexicon.normalizer.canonical("你他她仿信"))
    assert len(set(spelled)) == len(spelled) == MAX_LOOKALIKES
    assert "你他她仿信" not in spelled
    singles = [
        "你他她仿信"[:i] + form + "你他她仿信"[i + 1 :]
        for i, ch in enumerate("你他她仿信")
        for form in table[ch]
    ]
    assert spelled[: len(singles)] == singles  # one character respelled, in text order
    assert "亻尔亻也她仿信" in spelled  # then two
    assert "亻尔亻也女也亻方亻言" not in spelled  # all five: past the cap


def test_a_look_alike_of_one_character_in_a_long_term_is_found() -> None:
    """征 for 微 in 加我微信, past the splits of 加 and 我: the cap never hides a single
    respelled character."""
    assert cats(shipped_detector(), "加我徵信") == {"contact_diversion"}
    assert cats(shipped_detector(), "加我微亻言") == {"contact_diversion"}


def test_latin_initials_right_after_a_number_are_a_unit() -> None:
    from config.detection import KeywordCategory

    config = DetectionConfig(categories=[KeywordCategory(id="x", terms=["tb", "sb"])])
    det = fresh_detector(config, CONFIG.base_dir)
    assert cats(det, "淘宝tb") == cats(det, "你是sb") == {"x"}
    assert cats(det, "买个2tb的硬盘") == cats(det, "2sb") == set()  # 2 TB, a model name


@pytest.mark.parametrize(
    "text", ["有事打 四零零 六八二 三七一九", "售后热线4006823719", "800-682-3719 随时打"]
)
def test_a_service_line_number_is_a_contact_without_a_cue(text: str) -> None:
    det = fresh_detector(rules_only(CONFIG.detection), CONFIG.base_dir)
    assert cats(det, text) == {"contact_diversion"}


@pytest.mark.parametrize("text", ["订单号4006823719查一下", "价格4006823元", "40068237190是运单吗"])
def test_a_service_line_prefix_inside_other_numbers_is_no_contact(text: str) -> None:
    det = fresh_detector(rules_only(CONFIG.detection), CONFIG.base_dir)
    assert cats(det, text) == set()


def test_pair_parts_are_heard_by_sound() -> None:
    """A part of three syllables is matched by sound (手须费 for 手续费); a part of two only
    when its file marks it with '~', and then only in a pair: alone it stays ordinary."""
    from config.detection import KeywordCategory

    config = DetectionConfig(
        categories=[
            KeywordCategory(id="fraud", terms=["中奖&手续费", "~退款&客服"], homophones=True),
            KeywordCategory(id="quiet", terms=["发货&运费险"]),
        ]
    )
    det = fresh_detector(config, CONFIG.base_dir)
    assert cats(det, "中奖了交个手须费") == {"fraud"}
    assert cats(det, "退宽请找客服") == {"fraud"}
    assert cats(det, "退宽") == set()
    assert cats(det, "退款找刻服") == set()  # 客服 is not marked: heard only as written
    assert cats(det, "发货了有运废险吗") == set()  # a category that does not hear sounds
