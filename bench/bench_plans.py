"""Plan engine cost per signal with the shipped plans, and how it scales with window size.

Run from the repo root: .venv/bin/python -m bench.bench_plans
It prints microseconds per signal; constant figures across window sizes show the
O(1) amortised cost (every window entry is appended once and expired once).
"""

from __future__ import annotations

import random
import time

from alerts.model import Severity, Signal, SignalKind
from alerts.plans import Plan, PlanEngine
from config.loader import default_config_path, load_config
from config.plans import PlanConfig

ROOMS = 50


def traffic(n: int, rate: float, seed: int = 7) -> list[Signal]:
    """n signals spread over rooms at `rate` per second overall, shaped like a busy chat."""
    rng = random.Random(seed)
    out: list[Signal] = []
    t = 1_700_000_000.0
    for i in range(n):
        t += rng.expovariate(rate)
        room = f"room-{rng.randrange(ROOMS)}"
        roll = rng.random()
        if i % 40 == 0:
            out.append(Signal(room, t, SignalKind.METRIC, name="online_viewers", value=1000.0))
        elif roll < 0.03:
            user = f"u{rng.randrange(200_000)}"
            out.append(Signal(room, t, SignalKind.SENSITIVE, "fraud", Severity.WARNING, user=user))
        elif roll < 0.08:
            out.append(Signal(room, t, SignalKind.NEGATIVE, "negative", user=f"u{i}"))
        else:
            out.append(Signal(room, t, SignalKind.COMMENT, user=f"u{rng.randrange(200_000)}"))
    return out


def run(engine: PlanEngine, signals: list[Signal]) -> tuple[float, int]:
    started = time.perf_counter()
    triggers = 0
    next_tick = signals[0].ts + 1.0
    for s in signals:
        triggers += len(engine.observe(s))
        if s.ts >= next_tick:
            triggers += len(engine.tick(s.ts))
            next_tick += 1.0
    return time.perf_counter() - started, triggers


def main() -> None:
    config = load_config(default_config_path())
    shipped = [Plan.from_config(p) for p in config.plans.items]
    rooms = [f"room-{i}" for i in range(ROOMS)]
    n = 300_000
    signals = traffic(n, rate=5_000.0)
    elapsed, triggers = run(PlanEngine(shipped, rooms), signals)
    print(
        f"shipped plans ({len(shipped)}), {ROOMS} rooms, {n} signals at 5000/s: "
        f"{elapsed / n * 1e6:.2f} us/signal (ticks included), {triggers} triggers"
    )
    for window in (10, 100, 1_000, 10_000):
        cfg = {"type": "count", "signal": "comment", "min": 10**9, "window": window}
        plan = Plan.from_config(PlanConfig.model_validate({"id": "w", "name": "w", "when": cfg}))
        elapsed, _ = run(PlanEngine([plan], rooms), signals)
        print(f"count window {window:>6} s: {elapsed / n * 1e6:.2f} us/signal")


if __name__ == "__main__":
    main()
