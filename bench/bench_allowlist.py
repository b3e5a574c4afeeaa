"""Cost of the console's room-scoped allowlist on flagged comments (it reads no other).

Detects a set of flagged comments with the shipped lexicon, then times
ScopedAllowlist.filter over their flags with N terms (half phrases, half contact tokens,
scoped to a few rooms each), and prints microseconds per flagged comment.

    python bench/bench_allowlist.py [--comments 20000] [--terms 0,10,100,1000]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config.loader import default_config_path, load_config
from monitor.app import build_detector
from monitor.detect.allowlist import ScopedAllowlist
from monitor.events import parse_event

SAMPLES = [
    "加我微信 wxid{n}abc",
    "私聊加v {n}",
    "家威信领红包{n}",
    "加微信 1381234{n:04d}",
    "质量太差了{n}",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=20_000)
    parser.add_argument("--terms", default="0,10,100,1000")
    args = parser.parse_args()
    detector = build_detector(load_config(default_config_path()))
    rooms = [f"room-{i}" for i in range(50)]
    rnd = random.Random(7)
    flagged = []
    for n in range(args.comments):
        text = SAMPLES[n % len(SAMPLES)].format(n=n % 10_000)
        event = parse_event({"kind": "comment", "room": rnd.choice(rooms), "text": text})
        if found := detector.detect(event):
            flagged.append(found)
    print(f"{len(flagged)} flagged comments of {args.comments}")
    for count in (int(x) for x in args.terms.split(",")):
        terms = []
        for i in range(count):
            scope = frozenset(rnd.sample(rooms, 3)) if i % 4 else None
            terms.append((f"id:wx{i}abc" if i % 2 else f"正常用语{i}", scope))
        allow = ScopedAllowlist(terms, detector.normalizer)
        started = time.perf_counter()
        for found in flagged:
            allow.filter(found)
        spent = time.perf_counter() - started
        print(f"terms={count:5d}  {spent / len(flagged) * 1e6:8.1f} µs per flagged comment")


if __name__ == "__main__":
    main()
