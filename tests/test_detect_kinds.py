"""Evasion kinds: links, other platforms, symbol substitutions, styled digits after a cue,
order numbers; and the labeled-set evaluation (recall per kind, negatives per kind)."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.loader import default_config_path, load_config
from monitor.cli import main
from monitor.detect.contact import links
from monitor.detect.detector import LexiconDetector
from monitor.detect.labeled import LabeledSetError, read_rows, render, score
from tests.detect_support import cats, share_compiles, shipped_detector

CONFIG = load_config(default_config_path())


@pytest.fixture(scope="module")
def detector() -> LexiconDetector:
    return shipped_detector()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("复制整段 ￥Zq81LmPw0Ta￥ 打开就能买", "￥Zq81LmPw0Ta￥"),
        ("€ab12cd34ef€去那边下单", "€ab12cd34ef€"),
        ("口令$HJ7vvN2Kq$", "$HJ7vvN2Kq$"),
    ],
)
def test_share_codes_between_currency_signs_are_diversion(
    detector: LexiconDetector, text: str, code: str
) -> None:
    assert [value for value, _, _ in links(text)] == [code]
    assert cats(detector, text) == {"contact_diversion"}


@pytest.mark.parametrize(
    "text", ["今天¥199 ¥299两个价", "原价￥12345678￥现价", "￥abcdefghij￥", "¥AB12¥"]
)
def test_prices_and_plain_words_between_currency_signs_are_no_codes(text: str) -> None:
    assert links(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "www.example.com/item",
        "去 t.cn/A6xYz 领取",
        "https://m.tb.cn/h.5abc 便宜",
        "看这个 bit.ly/3abcd",
        "官网 abc-shop.cn",
        "taobao点com",
        "shop dot com",
        "邮箱 abc@qq.com",
        "ww w. xiezi168 .c o m",
        "官网 xiezi168.one",
        "去 mall.icu 看看",
    ],
)
def test_links_and_domains_are_diversion(detector: LexiconDetector, text: str) -> None:
    assert "contact_diversion" in cats(detector, text)
    assert links(text), text


@pytest.mark.parametrize(
    "text",
    ["3.5cm的", "满199.00减", "今天3点cn", "iphone15.pro", "我的.com", "好的. co ok", "a. c o"],
)
def test_numbers_with_dots_are_not_links(text: str) -> None:
    assert links(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "某宝上便宜一半",
        "🍑宝同款",
        "小红📕搜我",
        "闲🐟上有",
        "去绿色软件聊",
        "pdd上十块钱",
        "➕V领券",
        "想要的➕🐧",
        "👥号 5839201746 进来",
        "发📫联系我",
    ],
)
def test_platforms_nicknames_emoji_and_symbols(detector: LexiconDetector, text: str) -> None:
    assert "contact_diversion" in cats(detector, text)


def test_an_emoji_spelling_of_a_prohibited_good_is_read() -> None:
    assert cats(shipped_detector(), "🐘🦷摆件 保真") == {"prohibited"}


@pytest.mark.parametrize(
    "text",
    ["微❶❸❽❶❷❸❹❺❻❼❽", "v ⑴⑵⑶⑷⑸⑹⑺⑻⑼", "微信 幺三八零零幺三八零零零"],
)
def test_styled_digits_after_a_cue(detector: LexiconDetector, text: str) -> None:
    assert "contact_diversion" in cats(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "加我微信 abc123456",  # an ID after a WeChat cue
        "v13800138000",  # the one-letter cue opens the number
        "kou kou 12345678",  # a number glued to a Latin cue
        "电话13800138000",
        "手机号 价格私聊 13800138000",  # a price word only counts right before the number
        "V：lily2024xyz 私我",  # a mark parts the one-letter cue from the ID
        "v lily2024xyz",
        "qq 275839104 jinlai",  # a whole number glued to letters after a number cue
        "电话 a27583910b",
    ],
)
def test_contacts_next_to_the_cue_they_answer(detector: LexiconDetector, text: str) -> None:
    assert "contact_diversion" in cats(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "订单号123456789012微信上看不到",
        "快递单号SF1234567890123微信通知了",
        "扣6666666",
        "口红的手机壳有iphone15的吗",
        "微波炉能用吗",
        "主播v领的有吗",
        # Coupon, card, staff and tax numbers, with filler between the word and the number.
        "订单号后六位889201，微信支付的",
        "券码 6688 9900 1122 是微信里收到的吗",
        "客服工号10086，电话里说可以退",
        "发票税号91310000MA1FL12345，电话留的公司的",
        # Prices beside a cue.
        "价格12888的那款，电话里说有现货",
        "满12000减800的券，手机号领的能用吗",
        "总价 12999，手机号付款的",
        # Product models: a phone cue asks for a number, not an ID; a product word is a model.
        "vivo X100s，手机号码能改吗",
        "索尼WH-1000XM5耳机有货吗，电话问过客服",
        "再加我一件iPhone15ProMax的壳",
        "戴森V12 Detect Slim还有吗",
    ],
)
def test_order_numbers_cheers_and_look_alikes_stay_clean(
    detector: LexiconDetector, text: str
) -> None:
    assert cats(detector, text) == set()


SAMPLE = (
    "# a small labeled set in the blind format\n"
    "1\tcontact_diversion\tplain\tcomment\t加我微信\n"
    "1\tcontact_diversion\tlink\tcomment\twww.example.com\n"
    "1\tabuse\tsplit\tcomment\t傻\u241e逼\n"
    "1\tfraud\tplain\tcomment\t这句不会被抓到的普通话\n"
    "0\t-\thard_negative\tcomment\t微信支付可以吗\n"
    "0\t-\thard_negative\tcomment\t加我微信\n"
    "0\t-\tchatter\tcomment\t多少钱\n"
)


class FakeAnalyzer:
    """Flags a text when it contains 微信, com or 逼 (a stand-in to test the tally)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, float]] = []

    def categories(self, text: str, scope: str, user: str, ts: float) -> set[str]:
        self.calls.append((text, user, ts))
        if "微信支付" in text:
            return set()
        return (
            {"contact_diversion"}
            if "微信" in text or "com" in text
            else ({"abuse"} if "逼" in text else set())
        )


def test_labeled_set_tallies_recall_per_kind_and_negatives_apart(tmp_path: Path) -> None:
    path = tmp_path / "set.tsv"
    path.write_text(SAMPLE, "utf-8")
    fake = FakeAnalyzer()
    report = score(read_rows(path), fake, "sample")
    assert report.positives.rows == 4 and report.positives.flagged == 3
    assert report.recall_by_kind["plain"].flagged == 1 and report.recall_by_kind["plain"].rows == 2
    assert report.recall_by_kind["split"].rate == 1.0
    assert report.negatives("hard_negative").flagged == 1
    assert report.negatives("hard_negative").rows == 2
    assert report.negatives("chatter").rate == 0.0
    # The split row reached the analyzer as two comments of one user, in order.
    split = [c for c in fake.calls if c[0] in ("傻", "逼")]
    assert [c[0] for c in split] == ["傻", "逼"] and split[0][1] == split[1][1]
    assert split[0][2] < split[1][2]
    # Rows of another set on the same line numbers read other users' windows.
    other = FakeAnalyzer()
    score(read_rows(path), other, "other")
    assert not {c[1] for c in fake.calls} & {c[1] for c in other.calls}
    text = render(report)
    assert "false positives on hard_negative: 1/2" in text and "chatter: 0/1" in text
    # The false alarm is counted by the category that fired and the scope, without its text.
    assert "false alarms by category/scope: contact_diversion/comment 1" in text
    assert "加我微信" not in text  # rows are shown only when asked
    assert "加我微信" in render(report, show_rows=True)


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("2\t-\tchatter\tcomment\t秘", "label"),
        ("1\tpolitics\tplain\tcomment\t秘", "category"),
        ("1\tabuse\tweird\tcomment\t秘", "kind"),
        ("1\tabuse\tplain\ttitle\t秘", "scope"),
        ("1\tabuse\tplain\tcomment", "$"),
        ("1\tabuse\tplain\tcomment\t \u241e ", "text"),
    ],
)
def test_malformed_rows_name_line_and_field(tmp_path: Path, line: str, field: str) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("# header\n" + line + "\n", "utf-8")
    with pytest.raises(LabeledSetError) as info:
        read_rows(path)
    assert info.value.line == 2 and info.value.field == field
    assert "秘" not in str(info.value)  # the row's text is never echoed


def test_eval_scores_an_extra_set_and_never_prints_blind_rows(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # `roomwatch eval` in this process, on the lexicon the other tests compiled (every byte
    # it writes to stdout and stderr is read, as from a subprocess).
    share_compiles(monkeypatch)
    blind = tmp_path / "blind"
    blind.mkdir()
    path = blind / "sensitive.tsv"
    path.write_text(SAMPLE, "utf-8")
    assert main(["eval", "--sets-only", "--verbose", "--set", str(path)]) == 0
    out = capfd.readouterr().out
    assert "recall by kind:" in out and "false positives on hard_negative" in out
    assert "加我微信" not in out  # a blind set's rows are never shown
    bad = tmp_path / "bad.tsv"
    bad.write_text("1\tabuse\tplain\tcomment\n", "utf-8")
    assert main(["eval", "--sets-only", "--set", str(bad)]) == 2
    assert "bad.tsv:1" in capfd.readouterr().err


@pytest.mark.parametrize(
    ("text", "scope"),
    [
        ("想便宜点的可以加一下我们助理的微信", "speech"),
        ("加个店长的私人vx", "comment"),
        ("添加我们客服的企鹅", "comment"),
    ],
)
def test_an_invitation_with_words_between_verb_and_messenger(
    detector: LexiconDetector, text: str, scope: str
) -> None:
    assert cats(detector, text, scope) == {"contact_diversion"}


@pytest.mark.parametrize(
    "text", ["加购物车 用微信付款", "加到购物车后用微信支付", "不用加我们客服的微信，直接拍就行"]
)
def test_adding_to_the_cart_or_declining_is_no_invitation(
    detector: LexiconDetector, text: str
) -> None:
    assert cats(detector, text, "speech") == set()
