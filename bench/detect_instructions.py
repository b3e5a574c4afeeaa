"""Machine instructions per comment of full detection, counted by callgrind.

On a shared machine CPU time moves with the load (other processes thrash the caches);
instruction counts do not. Only the detection loop is counted: it runs inside
`deque(map(...), maxlen=0)`, whose C function `consume_iterator` callgrind toggles on.

    valgrind --tool=callgrind --callgrind-out-file=/tmp/detect.cg \\
        --toggle-collect=consume_iterator python bench/detect_instructions.py [--comments 2000]

then divide callgrind's "Collected" count by the number of comments (the script prints it).
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_detect import comments
from config.loader import default_config_path, load_config
from monitor.detect.detector import LexiconDetector


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-classifier", action="store_true", help="rules only")
    args = parser.parse_args()
    texts = comments(args.comments, random.Random(args.seed))
    config = load_config(default_config_path())
    detection = config.detection
    if args.no_classifier:
        off = detection.classifier.model_copy(update={"enabled": False})
        detection = detection.model_copy(update={"classifier": off})
    detector = LexiconDetector(detection, config.base_dir)
    users = [f"r\x1fu{i % 500}" for i in range(len(texts))]
    stamps = [float(i) for i in range(len(texts))]
    analyze = detector.analyze
    for text, user, ts in zip(texts, users, stamps, strict=True):
        analyze(text, "comment", user, ts)  # warm the caches and the users' windows
    deque(map(analyze, texts, itertools.repeat("comment"), users, stamps), maxlen=0)
    print(f"{len(texts)} comments: divide callgrind's Collected count by {len(texts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
