"""Negative sentiment on the hard kinds: bad facts, sarcasm, question kinds, negated praise."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from config.loader import default_config_path, load_config
from monitor.detect.detector import LexiconDetector
from monitor.detect.sentiment import LinearModel
from monitor.detect.sentiment_cues import CueWeights, cue_shift
from tests.detect_support import cue, fresh_detector, negative, rules_only

CONFIG = load_config(default_config_path())


@pytest.fixture(scope="module")
def detector() -> LexiconDetector:
    return fresh_detector(rules_only(CONFIG.detection), CONFIG.base_dir)


@pytest.mark.parametrize(
    "text",
    [
        "这条裙子透得能看见肚脐",  # a bad fact, no complaint word
        "拆开箱子一股霉味",
        "包裹在转运中心躺了四天",
        "这颜色穿上显黑又显老",
        "主播说的加厚，摸着跟纸一样",  # sarcasm: the claim, then the fact
        "质量真棒，洗一次就裂了",
        "客服是不是都下班了，问了一天没人回？",  # a complaint phrased as a question
        "这就是你们说的羊绒？",
        "不好用，白买了",  # praise negated
        "踩雷了家人们",  # slang
        "鞋子穿了半天脚底就起泡了，是在逗我吗？",  # a fact, then a question that complains
        "等了三天还没消息，真的火大",  # anger said outright
        "这双新鞋太磨脚了",  # a fit fault as a fact
        "为啥穿了一次就起球了？",  # a quality fault asked about as done
        "说好的赠品呢，送到哪去了？",  # where did the promise go
    ],
)
def test_hard_complaints_are_negative(detector: LexiconDetector, text: str) -> None:
    assert negative(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "退款一般几天到账",  # neutral questions that name refunds, sizes and shipping
        "不合适能换码吗",
        "偏远地区几天能到",
        "会不会起球呀",
        "一点都不显胖，很喜欢",  # praise that uses negation
        "没有色差，跟直播间一样",
        "不要太好看",
        "挑不出毛病",
        "主播晚上好",  # chatter and plain praise
        "面料摸着很舒服",
        "充电宝充一次够用两天，出差很方便",  # a good fact in a bad fact's words
        "面膜敷完皮肤软软的",
        "这件会起球吗",  # asked about before it happened: an inquiry
        "主播别生气，我们都支持你",  # negated anger
    ],
)
def test_neutral_questions_and_negated_praise_are_not_negative(
    detector: LexiconDetector, text: str
) -> None:
    assert not negative(detector, text)


def test_each_cue_moves_the_log_odds_its_own_way() -> None:
    weights = CueWeights()
    assert cue_shift("收到一股怪味")[0] == weights.implicit
    assert cue_shift("真耐用，第二天就断了")[0] >= weights.sarcasm
    assert cue_shift("一点都不扎")[0] == weights.negated_praise
    assert cue_shift("一点都不舒服")[0] == weights.praise_negated
    shift, asking = cue_shift("怎么还没发货？")
    assert asking and shift == weights.complaint_question
    shift, asking = cue_shift("几天能发货？")
    assert asking and shift == weights.neutral_question
    assert cue_shift("主播好") == (0.0, False)


def test_a_negator_before_or_a_particle_after_a_bad_fact_is_not_one() -> None:
    assert cue("implicit", "漏水了") and not cue("implicit", "不漏水")
    assert not cue("implicit", "漏水吗") and not cue("implicit", "显胖不")
    assert not cue("implicit", "发错了怎么办")
    assert cue("negated_praise", "吃了不上火") and not cue("negated_praise", "不亏心吗")
    assert cue("praise_negated", "不好看") and not cue("praise_negated", "不要太好看")
    assert not cue("praise_negated", "不满意可以退吗")
    assert not cue("sarcasm", "发货超快，隔天就到")  # praise, then more praise


def test_spam_comments_get_no_cue_from_the_model_path(detector: LexiconDetector) -> None:
    # Spam is not a customer's sentiment: a contact diversion stays out of negative even
    # when it carries a bad-fact cue, unless the complaint lexicon affirms it.
    verdict = detector.analyze("一股霉味 加微信 abc12345678", "comment").sentiment
    assert verdict is not None and verdict.score < 0.5


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_cues_never_fail_and_stay_bounded(text: str) -> None:
    shift, _ = cue_shift(text)
    w = CueWeights()
    low = w.negated_praise + min(w.neutral_question, 0.0)
    high = w.implicit + w.sarcasm + w.praise_negated + w.complaint_question
    assert low <= shift <= high


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="好差不是质量太了吗的快递退款^$?？0123456789ab哈\x01 ", max_size=30))
def test_the_model_automaton_scores_like_the_n_grams(text: str) -> None:
    model = _model()
    assert model.logit(text) == pytest.approx(model.reference_logit(text), abs=1e-9)
    assert LinearModel({}, 0.5).logit(text) == 0.5


def _model() -> LinearModel:
    global _MODEL
    if _MODEL is None:
        _MODEL = LinearModel.load()
    return _MODEL


_MODEL: LinearModel | None = None


ROOT = Path(__file__).resolve().parent.parent


def test_the_training_sets_are_what_the_generator_writes() -> None:
    script = ROOT / "scripts" / "gen_sentiment_data.py"
    done = subprocess.run([sys.executable, str(script), "--check"], timeout=120)
    assert done.returncode == 0, "run scripts/gen_sentiment_data.py and commit the sets"


def test_a_held_out_fact_is_in_no_training_row_whatever_its_frame() -> None:
    spec = importlib.util.spec_from_file_location("gen", ROOT / "scripts" / "gen_sentiment_data.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    from sentiment_facts import MORE_FACTS  # on sys.path once the generator is loaded
    from sentiment_templates import FACTS

    train = (ROOT / "data" / "sentiment" / "train.tsv").read_text("utf-8")
    heldout = (ROOT / "data" / "sentiment" / "heldout.tsv").read_text("utf-8")
    held = [fact for _, fact, _ in FACTS + MORE_FACTS if gen.bucket(fact) == 0]
    assert len(held) >= 80  # a fifth of the facts
    for fact in held:
        assert fact not in train, fact
    assert sum(heldout.count(fact) for fact in held) >= 8 * len(held)  # in several frames
