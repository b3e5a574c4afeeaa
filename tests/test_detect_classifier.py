"""The learned second opinion: its weights file, its threshold, scope and context."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from config.detection import ClassifierConfig, DetectionConfig, KeywordCategory
from config.loader import default_config_path, load_config
from monitor.detect.classifier import ModelFileError, SensitiveModel
from monitor.detect.detector import LexiconDetector
from monitor.detect.normalize import default_normalizer
from monitor.detect.sentiment import model_text

CONFIG = load_config(default_config_path())

# 刷流水 is sensitive (fraud-like), 夸夸 reads as praise; ad_law only for speech.
MODEL = """# a small model for the tests
__categories__\tany\tfraud\tad_law
__bias__\t-3.0\t0\t0
刷流\t4.0\t2.0\t-1.0
流水\t2.5\t1.0\t0
神药\t6.0\t-1.0\t3.0
"""


def _detector(tmp_path: Path, **classifier: object) -> LexiconDetector:
    path = tmp_path / "model.tsv"
    path.write_text(MODEL, encoding="utf-8")
    config = DetectionConfig(
        categories=[
            KeywordCategory(id="fraud", terms=["跑分"]),
            KeywordCategory(id="ad_law", terms=["第一名"], applies_to=["speech"]),
        ],
        classifier=ClassifierConfig(
            **{"enabled": True, "file": str(path), **classifier}  # type: ignore[arg-type]
        ),
    )
    return LexiconDetector(config, CONFIG.base_dir)


def _found(det: LexiconDetector, text: str, scope: str = "comment") -> list[tuple[str, str]]:
    return [(f.category, f.via) for f in det.analyze(text, scope).sensitive]


def test_a_text_past_the_threshold_is_flagged_by_the_model(tmp_path: Path) -> None:
    det = _detector(tmp_path)
    assert _found(det, "来刷流水吧") == [("fraud", "model")]  # -3 + 4 + 2.5 = 3.5 > logit(0.9)
    assert _found(det, "流水线工人") == []  # -3 + 2.5: under the threshold
    assert _found(det, "今天天气不错") == []


def test_the_rules_come_first(tmp_path: Path) -> None:
    det = _detector(tmp_path)
    assert _found(det, "跑分刷流水") == [("fraud", "lexicon")]


def test_the_threshold_is_a_setting(tmp_path: Path) -> None:
    assert _found(_detector(tmp_path, threshold=0.99), "来刷流水吧") == []  # 3.5 < logit(.99)
    assert _found(_detector(tmp_path, threshold=0.5), "流水") == []  # -0.5 < 0
    assert _found(_detector(tmp_path, enabled=False), "来刷流水吧") == []


def test_a_category_can_be_held_to_a_threshold_of_its_own(tmp_path: Path) -> None:
    # 来刷流水吧 scores 3.5: past logit(0.95) = 2.9, under logit(0.99) = 4.6.
    assert _found(_detector(tmp_path, category_thresholds={"fraud": 0.99}), "来刷流水吧") == []
    # A lower threshold of its own lets the category through past a higher default.
    low = _detector(tmp_path, threshold=0.99, category_thresholds={"fraud": 0.95})
    assert _found(low, "来刷流水吧") == [("fraud", "model")]
    # Another category's threshold leaves the default to fraud.
    other = _detector(tmp_path, threshold=0.99, category_thresholds={"ad_law": 0.95})
    assert _found(other, "来刷流水吧") == []


def test_the_category_is_one_that_applies_to_the_scope(tmp_path: Path) -> None:
    det = _detector(tmp_path)
    assert _found(det, "这是神药", "speech") == [("ad_law", "model")]
    # It reads as an advertising claim, which a viewer's comment cannot make: no verdict.
    assert _found(det, "这是神药", "comment") == []


def test_a_report_of_someone_elses_scam_is_no_verdict(tmp_path: Path) -> None:
    assert _found(_detector(tmp_path), "有人让我刷流水，已举报") == []


def test_the_model_scores_what_its_weights_say(tmp_path: Path) -> None:
    model = SensitiveModel.parse(MODEL)
    said = model_text(default_normalizer().base("刷流水"), "刷流水")
    assert model.logit(said) == pytest.approx(-3.0 + 4.0 + 2.5)
    assert model.category(said, ["fraud", "ad_law"]) == "fraud"
    assert model.category(said, ["ad_law"]) is None  # it reads as fraud
    assert model.category(said, []) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("刷流\t1\t2\n", "line 1: weights before the __categories__ line"),
        ("__categories__\tany\tfraud\n刷流\t1\n", "line 2: 1 weights, expected 2"),
        ("__categories__\tany\tfraud\n刷流\t1\tx\n", "line 2: a weight is not a number"),
        ("__categories__\tany\tfraud\n刷流\tinf\t1\n", "line 2: a weight is not finite"),
        ("# only a comment\n", "no __categories__ line"),
    ],
)
def test_a_broken_weights_file_names_its_line(text: str, reason: str) -> None:
    with pytest.raises(ModelFileError, match=reason):
        SensitiveModel.parse(text)


def test_the_model_is_off_unless_a_config_turns_it_on() -> None:
    assert not DetectionConfig().classifier.enabled
    assert CONFIG.detection.classifier.enabled  # the shipped config turns it on
    # Contact diversion is judged by the model only far past the others' threshold.
    classifier = CONFIG.detection.classifier
    assert classifier.category_thresholds["contact_diversion"] > classifier.threshold


def test_a_threshold_out_of_range_is_refused() -> None:
    with pytest.raises(ValidationError, match="threshold"):
        ClassifierConfig(threshold=1.0)
    with pytest.raises(ValidationError, match="threshold"):
        ClassifierConfig(threshold=0.2)


def test_a_category_threshold_out_of_range_or_unknown_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"category_thresholds\.fraud: 1\.0 is not in"):
        ClassifierConfig(category_thresholds={"fraud": 1.0})
    with pytest.raises(ValidationError, match=r"category_thresholds\.abuse: not among categories"):
        ClassifierConfig(categories=["fraud"], category_thresholds={"abuse": 0.99})
    with pytest.raises(ValidationError, match="classifier: unknown category 'abuse'"):
        DetectionConfig(
            categories=[KeywordCategory(id="fraud", terms=["跑分"])],
            classifier=ClassifierConfig(category_thresholds={"abuse": 0.99}),
        )


def test_the_shipped_model_loads_with_the_shipped_categories() -> None:
    model = SensitiveModel.load()
    assert set(model.categories) <= {c.id for c in CONFIG.detection.categories}
    assert model.categories
