"""The spellings compiled beside a term (monitor/detect/spellings.py), each checked as a
function: the lists they return, not only what a scan then finds."""

from __future__ import annotations

import pytest

from monitor.detect.normalize import Normalizer
from monitor.detect.spellings import latin_spellings, lookalike_spellings


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer()


def test_look_alike_spellings_in_order(normalizer: Normalizer) -> None:
    assert lookalike_spellings(normalizer, "枪") == []  # one character: never respelled
    assert lookalike_spellings(normalizer, "枪支") == ["木仓支", "枪十又", "木仓十又"]
    # two forms of one character are never combined, and the combinations after them stay
    assert lookalike_spellings(normalizer, "你妈") == [
        "亻尔妈",
        "人尔妈",
        "你女马",
        "亻尔女马",
        "人尔女马",
    ]


def test_latin_spellings_add_the_reading_in_the_word(normalizer: Normalizer) -> None:
    codes = normalizer.syllable_codes

    def coded(*syllables: str) -> str:
        return "".join(codes.get(s, s) for s in syllables)

    # 行 reads hang in 银行: the table's reading and the word's; Latin letters kept as written
    assert latin_spellings(normalizer, "银行") == {coded("yin", "xing"), coded("yin", "hang")}
    assert latin_spellings(normalizer, "银行vx") == {
        coded("yin", "xing") + "vx",
        coded("yin", "hang") + "vx",
    }
    # no polyphone: the table's spelling alone
    assert latin_spellings(normalizer, "微信") == {coded("wei", "xin")}
    # a reading with no syllable code (得 read dei) keeps its character
    assert latin_spellings(normalizer, "总得") == {coded("zong", "de"), coded("zong") + "得"}
