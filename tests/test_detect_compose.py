"""Characters typed as their parts (monitor/detect/compose.py): which pairs are read as one
character, where each composed character starts, and what the detector does with them."""

from __future__ import annotations

import pytest

from alerts.model import Evidence, Severity
from monitor.detect.compose import RADICAL_FORMS, Composer, load_pairs, respan
from monitor.detect.detector import LexiconDetector, SensitiveFinding
from tests.detect_support import cats, shipped_detector


@pytest.fixture(scope="module")
def composer() -> Composer:
    return Composer()


@pytest.fixture(scope="module")
def detector() -> LexiconDetector:
    return shipped_detector()


def test_radical_splits_come_from_the_components_table_and_ordinary_pairs_from_the_list() -> None:
    pairs = load_pairs()
    assert pairs["亻言"] == "信" and pairs["讠舌"] == "话" and pairs["扌戈"] in "找我"
    assert pairs["氵匋"] == "淘"  # a radical split the table lacks, in the curated list
    assert pairs["君羊"] == "群" and pairs["女马"] == "妈"  # the curated list
    assert "人言" not in pairs  # 人言可畏: two ordinary characters, not listed
    curated = {line.split("\t")[0] for line in _curated_lines()}
    assert {"君羊", "女马", "马蚤", "又鸟"} <= curated
    # every other pair starts with a radical form, which ordinary text never types alone
    assert all(p[0] in RADICAL_FORMS for p in pairs if p not in curated)
    assert all(len(p) == 2 for p in pairs)


def _curated_lines() -> list[str]:
    from importlib import resources

    text = resources.files("monitor.detect").joinpath("data", "composed_pairs.tsv").read_text()
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def test_pairs_are_read_as_their_characters_with_where_each_starts(composer: Composer) -> None:
    assert composer.compose("留个亻言号") == ("留个信号", [0, 1, 2, 4, 5])
    assert composer.compose("土立土及") == ("垃圾", [0, 2, 4])
    assert composer.compose("拉亻尔进君羊") == ("拉你进群", [0, 1, 3, 4, 6])
    # a pair's second part is not the start of another pair
    assert composer.compose("女女马") == ("女妈", [0, 1, 3])
    # 女马 and 马蚤 overlap: the first is read, and reading goes on after it (君羊)
    assert composer.compose("女马蚤君羊") == ("妈蚤群", [0, 2, 3, 5])
    # nothing to put together: None, the text is read as it is
    assert composer.compose("今天天气好") is None
    assert composer.compose("人言可畏") is None
    assert composer.compose("十月份的马甲") is None  # first parts alone are no pair
    assert composer.compose("") is None


def test_a_small_pair_list_reads_only_its_pairs() -> None:
    small = Composer({"君羊": "群"})
    assert small.compose("进君羊") == ("进群", [0, 1, 3])
    assert small.compose("加亻言") is None


def test_evidence_spans_are_moved_back_to_the_original_text() -> None:
    # 拉亻尔进君羊 composed: 拉你进群 at 0..4 is 0..6 in the original
    finding = SensitiveFinding(
        "contact", Severity.WARNING, (Evidence("contact", "拉你进群", 0, 4),)
    )
    (moved,) = respan([finding], [0, 1, 3, 4, 6])
    assert moved.evidence == (Evidence("contact", "拉你进群", 0, 6),)
    assert moved.category == "contact"
    # after a pair: both ends move (亻尔好拉亻尔 composed 你好拉你, 拉你 at 2..4 is 3..6)
    later = SensitiveFinding("contact", Severity.WARNING, (Evidence("contact", "拉你", 2, 4),))
    (moved,) = respan([later], [0, 2, 3, 4, 6])
    assert moved.evidence == (Evidence("contact", "拉你", 3, 6),)


def test_a_text_with_parts_is_flagged_with_spans_in_the_original(
    detector: LexiconDetector,
) -> None:
    text = "好的拉亻尔进君羊呀"
    analysis = detector.analyze(text, "comment", "", 1.0)
    spans = [(e.start, e.end) for f in analysis.sensitive for e in f.evidence]
    assert [f.category for f in analysis.sensitive] == ["contact_diversion"]
    assert spans == [(2, 8)]
    assert text[2:8] == "拉亻尔进君羊"


def test_a_look_alike_spelling_is_still_found_as_written(detector: LexiconDetector) -> None:
    # 私亻言 is a deliberate spelling of the cue 私信: found before any composing
    assert "contact_diversion" in cats(detector, "私亻言发价格表")


def test_the_second_reading_leaves_the_user_windows_alone(detector: LexiconDetector) -> None:
    fresh = shipped_detector()
    user = "room\x1fa"
    analysis = fresh.analyze("拉亻尔进君羊", "comment", user, 1.0)
    assert [f.category for f in analysis.sensitive] == ["contact_diversion"]
    assert len(fresh.window) == 1  # this user only: the second reading has no user
    assert len(fresh.window._users[user]) == 1  # one comment, one entry


def test_ordinary_text_with_first_parts_stays_clean(detector: LexiconDetector) -> None:
    for text in ["十月份的马甲女生穿好看吗", "女马术比赛真好看", "人言可畏", "又是一年双十一"]:
        assert cats(detector, text) == set()
