"""Precision and recall of "the host's speech answers this question" on labelled pairs.

    python bench/bench_speech_answers.py [data/supervision/speech_pairs.tsv]

Each pair is a viewer question and one sentence the host said within the window after it,
labelled 1 when the sentence answers the question. The heuristic is the one
QuestionBook.on_speech uses (monitor.supervision.matching.addresses, strict); the loose
variant (the one for typed replies) is shown beside it. Prints figures; asserts nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

from monitor.detect.questions import classify_question
from monitor.supervision import matching

DATA = Path(__file__).resolve().parents[1] / "data" / "supervision" / "speech_pairs.tsv"


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DATA
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        question, speech, label = line.split("\t")
        rows.append((question, speech, label == "1"))
    unclassified = 0
    for strict in (True, False):
        tp = fp = fn = tn = 0
        for question, speech, answers in rows:
            verdict = classify_question(question)
            if verdict is None:
                unclassified += strict
                said = False
            else:
                said = matching.addresses(
                    matching.content(question),
                    verdict.topic,
                    speech,
                    matching.content(speech),
                    strict=strict,
                )
            tp += said and answers
            fp += said and not answers
            fn += answers and not said
            tn += not said and not answers
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        name = "strict (speech)" if strict else "loose (typed replies)"
        print(
            f"{name:22} pairs={len(rows)} tp={tp} fp={fp} fn={fn} tn={tn} "
            f"precision={precision:.3f} recall={recall:.3f}"
        )
    print(f"questions the classifier did not mark: {unclassified}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
