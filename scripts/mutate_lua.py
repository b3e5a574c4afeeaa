"""Mutation-test the Lua scripts of the Redis store (alerts/store/redis_scripts.py) or leases.

mutmut sees each script as one string, so this plants small bugs in the Lua text instead:
relational and arithmetic operators, numeric literals, `and`/`or`, `not`, returned values,
one `redis.call(...)` statement removed, KEYS/ARGV indices and SET flags. A mutant Redis
refuses to load is "invalid". Every other one runs the store tests below, in a fresh Python
process that replaces the script constant before the module using it reads it (product
code is untouched; services started as subprocesses by a test run the original scripts),
stopping at the first failure: "killed", "survived", or "timeout". `--module` picks the
module whose upper-case string constants are mutated, with its own default tests:
alerts.store.redis_scripts (default) or monitor.cluster.leases (read when `RoomLeases` is
built, so a mutant set before the tests run is what every in-process instance registers).

    nice -n 19 .venv/bin/python scripts/mutate_lua.py            # every script
    nice -n 19 .venv/bin/python scripts/mutate_lua.py PUT_ALERT  # some scripts
    .venv/bin/python scripts/mutate_lua.py --list                # the mutants, not run
    nice -n 19 .venv/bin/python scripts/mutate_lua.py --module monitor.cluster.leases -j 1
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The tests that run the scripts on a real redis-server (one Redis and a cluster).
STORE_TESTS = [
    "tests/contract/test_store_contract.py",
    "tests/test_redis_store.py",
    "tests/test_redis_store_cluster.py",
    "tests/test_migrate_keys.py",
    "tests/alerting/test_manager.py::test_two_instances_racing_on_one_alert_keep_both_changes",
    "tests/alerting/test_escalation.py::test_two_escalators_checking_at_the_same_moment_note_each_step_once",
]
# The tests that build `RoomLeases` in this process (instances of `build_service` too).
LEASE_TESTS = [
    "tests/cluster/test_leases.py",
    "tests/cluster/test_cluster.py",
    "tests/cluster/test_ownership.py",
]
# Module holding the scripts -> (module that reads them, the tests that run them).
MODULES = {
    "alerts.store.redis_scripts": ("alerts.store.redis_base", STORE_TESTS),
    "monitor.cluster.leases": ("monitor.cluster.leases", LEASE_TESTS),
}
PYTEST = ["-x", "-q", "-p", "no:cacheprovider", "-k", "not memory"]

Mutant = tuple[str, str]  # (what changed, the mutated script)


def scripts(module: str) -> dict[str, str]:
    """Return a module's script constants (upper-case strings) by name."""
    found = vars(importlib.import_module(module)).items()
    return {k: v for k, v in found if k.isupper() and isinstance(v, str)}


def code_mask(lua: str) -> tuple[str, list[tuple[int, int]]]:
    """Return the text with strings and comments blanked out, and the strings' spans."""
    out, strings, i = list(lua), [], 0
    while i < len(lua):
        if lua.startswith("--", i):
            end = lua.find("\n", i)
            end = len(lua) if end < 0 else end
            out[i:end] = " " * (end - i)
            i = end
        elif lua[i] in "'\"":
            end = lua.index(lua[i], i + 1)
            out[i + 1 : end] = "_" * (end - i - 1)
            strings.append((i, end + 1))
            i = end + 1
        else:
            i += 1
    return "".join(out), strings


RELATIONAL = {
    "==": ["~="],
    "~=": ["=="],
    "<": ["<=", ">"],
    "<=": ["<", ">="],
    ">": [">=", "<"],
    ">=": [">", "<="],
}
FLAGS = {"'NX'": ["'XX'", ""], "'XX'": ["'NX'"], "'EX'": ["'PX'"], "'PX'": ["'EX'"]}


def edits(lua: str) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, replacement) for every single-point mutation of the script."""
    code, strings = code_mask(lua)
    for m in re.finditer(r"==|~=|<=|>=|<|>", code):
        for new in RELATIONAL[m.group()]:
            yield m.start(), m.end(), new
    for m in re.finditer(r"[+-]", code):
        before = code[: m.start()].rstrip()
        if before[-1:].isalnum() or before[-1:] in ")]":
            yield m.start(), m.end(), "-" if m.group() == "+" else "+"
        else:  # unary minus: Lua has no unary plus, so drop it
            yield m.start(), m.end(), ""
    for m in re.finditer(r"(?<!KEYS\[)(?<!ARGV\[)(?<![\w.])\d+\b", code):  # KEYS[n]: below
        n = int(m.group())
        for k in {n + 1, 0 if n == 1 else n + 1}:
            yield m.start(), m.end(), str(k)
    for m in re.finditer(r"\b(KEYS|ARGV)\[(\d+)\]", code):
        n = int(m.group(2))
        for k in (n - 1, n + 1) if n > 1 else (n + 1,):
            yield m.start(2), m.end(2), str(k)
    for m in re.finditer(r"\b(and|or)\b", code):
        yield m.start(), m.end(), "or" if m.group() == "and" else "and"
    for m in re.finditer(r"\bnot\s+", code):
        yield m.start(), m.end(), ""
    for m in re.finditer(r"\breturn\s+(?!nil\b)([^\n]+)", code):
        yield m.start(1), m.end(1), "nil"
    for m in re.finditer(r"^[ \t]*(redis\.call\([^\n]*)$", code, re.MULTILINE):
        yield m.start(1), m.end(1), ""
    for start, end in strings:
        text = lua[start:end]
        if text[1:-1].isdigit():
            n = int(text[1:-1])
            yield start + 1, end - 1, str(1 if n == 0 else 0 if n == 1 else n + 1)
        for new in FLAGS.get(text, []):
            cut = end + 2 if not new and lua[end : end + 2] == ", " else end
            yield start, cut, new


def mutants(lua: str) -> list[Mutant]:
    """Return the distinct mutants of a script, in a stable order."""
    seen, out = {lua}, []
    for start, end, new in sorted(edits(lua)):
        text = lua[:start] + new + lua[end:]
        if text not in seen:
            seen.add(text)
            line = lua.count("\n", 0, start)
            now = text.splitlines()[line].strip() or "removed " + lua.splitlines()[line].strip()
            out.append((f"line {line + 1}: {now}", text))
    return out


def diff(lua: str, mutant: str) -> str:
    """Return the changed lines of a mutant as a unified diff."""
    lines = difflib.unified_diff(lua.splitlines(), mutant.splitlines(), lineterm="", n=0)
    return "\n".join(list(lines)[2:])


def apply_and_test(module: str, spec: str, tests: list[str]) -> int:
    """Run the tests with mutant `NAME:index` of a module in place (in this fresh process)."""
    import pytest

    name, index = spec.split(":")
    lua = scripts(module)[name]
    mutant = mutants(lua)[int(index)][1] if index != "-" else lua
    setattr(sys.modules[module], name, mutant)  # before the reader imports or reads it
    code = pytest.main([*PYTEST, *tests])
    reader = sys.modules.get(MODULES[module][0])
    if (
        reader is None
        or getattr(reader, name) != mutant
        or ROOT not in Path(reader.__file__ or "").parents
    ):
        return 99  # the tests never saw the mutant: a broken setup, not a survivor
    return int(code)


def run_tests(module: str, spec: str, tests: list[str], timeout: float) -> tuple[str, float]:
    """Run one mutant's tests in a child process; return (outcome, seconds)."""
    start = time.monotonic()
    cmd = [sys.executable, __file__, "--module", module, "--apply", spec, "--tests", *tests]
    child = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        code = child.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        return "timeout", time.monotonic() - start
    outcome = {0: "survived", 1: "killed"}.get(code, f"error (pytest exit {code})")
    return outcome, time.monotonic() - start


def loads(server_port: int, lua: str) -> bool:
    """Return True when Redis compiles the script."""
    import redis

    client = redis.Redis(port=server_port)
    try:
        client.script_load(lua)
        return True
    except redis.ResponseError:
        return False
    finally:
        client.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("names", nargs="*", help="script constants, or NAME:index (default: all)")
    ap.add_argument("--module", choices=MODULES, default="alerts.store.redis_scripts")
    ap.add_argument("--tests", nargs="+", help="pytest paths (default: the module's tests)")
    ap.add_argument("--list", action="store_true", help="print the mutants and stop")
    ap.add_argument("--timeout", type=float, help="seconds per mutant (default: 5x the clean run)")
    ap.add_argument("-j", "--jobs", type=int, default=1, help="mutants tested at once")
    ap.add_argument("--apply", help=argparse.SUPPRESS)
    opts = ap.parse_args()
    opts.tests = opts.tests or MODULES[opts.module][1]
    if opts.apply:
        return apply_and_test(opts.module, opts.apply, opts.tests)
    wanted: dict[str, set[str]] = {}
    for spec in opts.names:
        name, _, index = spec.partition(":")
        wanted.setdefault(name, set()).add(index)
    chosen = {k: v for k, v in scripts(opts.module).items() if not wanted or k in wanted}
    if opts.list:
        for name, lua in chosen.items():
            for i, (what, _) in enumerate(mutants(lua)):
                print(f"{name}:{i}  {what}")
        return 0
    from tests.redis_server import RedisServer

    outcome, took = run_tests(opts.module, f"{next(iter(chosen))}:-", opts.tests, timeout=600)
    if outcome != "survived":
        print(f"the tests fail without a mutant ({outcome}); fix that first")
        return 1
    timeout = opts.timeout or max(60.0, 5 * took)
    print(f"clean run {took:.1f} s; per-mutant timeout {timeout:.0f} s", flush=True)
    began, survivors, tallies = time.monotonic(), [], {}

    def check(name: str, i: int, text: str) -> str:
        picks = wanted.get(name, {""})
        if "" not in picks and str(i) not in picks:
            return "skipped"
        if not loads(server.port, text):
            return "invalid"
        return run_tests(opts.module, f"{name}:{i}", opts.tests, timeout)[0]

    with RedisServer() as server, ThreadPoolExecutor(opts.jobs) as pool:
        for name, lua in chosen.items():
            tally = tallies[name] = Counter[str]()
            found = mutants(lua)
            texts = [text for _, text in found]
            results = pool.map(check, [name] * len(found), range(len(found)), texts)
            for i, ((what, text), result) in enumerate(zip(found, results, strict=True)):
                if result == "skipped":
                    continue
                tally[result] += 1
                print(f"  {name}:{i:<3} {result:<9} {what}", flush=True)
                if result in ("survived", "timeout") or result.startswith("error"):
                    survivors.append((f"{name}:{i} {result}, {what}", diff(lua, text)))
    kinds = ["killed", "survived", "timeout", "invalid"]
    kinds += sorted({k for t in tallies.values() for k in t} - set(kinds))
    print(f"\n{'script':<17}{'mutants':>8}" + "".join(f"{k:>10}" for k in kinds))
    for name, tally in [*tallies.items(), ("total", sum(tallies.values(), Counter[str]()))]:
        cells = "".join(f"{tally[k]:>10}" for k in kinds)
        print(f"{name:<17}{sum(tally.values()):>8}{cells}")
    print(f"{(time.monotonic() - began) / 60:.1f} min")
    for head, text in survivors:
        print(f"\n{head}\n{text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
