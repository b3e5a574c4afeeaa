"""Run mutmut's mutants in one process through its trampoline, each against the tests that
reach the function it changes (docs/testing.md, "Mutation testing").

Run from the `mutants/` folder of a copy where mutmut generated them. `map` runs the given
tests once without a mutant and records, per test, its time and every function (nested
ones too: a mutant of a route plugin's closure runs only the tests of that handler) of the
mutated modules it called. `run` then sets MUTANT_UNDER_TEST for each mutant whose name
matches a pattern (patterns in priority order; mutants already in RESULTS are skipped, so a
stopped run resumes) and calls `pytest.main(["-x", ...])` on its tests, quickest first:
"killed" when one fails, "survived" when all pass, "no tests" when none reaches it.

    python scripts/mutants_by_trampoline.py map MAP.json MODULE_FILE... -- TEST...
    python scripts/mutants_by_trampoline.py run MAP.json RESULTS.json PATTERN...
    python scripts/mutants_by_trampoline.py show NAME...        # a mutant's change
"""

from __future__ import annotations

import ast
import contextlib
import difflib
import importlib
import inspect
import io
import json
import os
import re
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import CodeType, FrameType, ModuleType
from typing import Any

import pytest

ARGS = ["-q", "-p", "no:cacheprovider", "-o", "timeout=60", "--tb=line"]


def _unit(code: CodeType, files: dict[str, str]) -> str | None:
    """Return "module:function" for code of a mutated module (mutmut's suffixes dropped)."""
    for path, module in files.items():
        if code.co_filename.endswith(path):
            name = code.co_qualname.replace("__mutmut_orig", "").replace(".<locals>", "")
            return f"{module}:{name.split('.', 1)[-1] if 'ǁ' in name else name}"
    return None


class Mapper:
    """A pytest plugin recording, per test, its time and the mutated functions it called."""

    def __init__(self, files: dict[str, str]) -> None:
        self.files = files
        self.calls: dict[str, set[str]] = {}
        self.took: dict[str, float] = {}
        self._current: set[str] | None = None

    def _profile(self, frame: FrameType, event: str, arg: object) -> None:
        if event != "call" or self._current is None:
            return
        if (unit := _unit(frame.f_code, self.files)) is not None:
            self._current.add(unit)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Iterator[None]:
        self._current = self.calls.setdefault(item.nodeid, set())
        start = time.perf_counter()
        sys.setprofile(self._profile)
        try:
            yield
        finally:
            sys.setprofile(None)
            self._current = None
            self.took[item.nodeid] = time.perf_counter() - start


def _variants(module: ModuleType, name: str) -> tuple[list[str], list[str]]:
    base = re.sub(r"__mutmut_\d+$", "", name)
    table = getattr(module, f"mutants_{base}__mutmut")
    orig = inspect.getsource(table["_mutmut_orig"]).splitlines()
    return orig, inspect.getsource(table[name]).splitlines()


def mutant_unit(module: ModuleType, name: str) -> str:
    """Return the function a mutant changes: a nested def holding its first changed line."""
    base = re.sub(r"__mutmut_\d+$", "", name)
    orig, mutant = _variants(module, name)
    # Line 0 is the def line, which differs by name in every variant.
    pairs = enumerate(zip(orig, mutant, strict=False))
    changed = next((i for i, (a, b) in pairs if i and a != b), None)
    if changed is not None:
        outer = ast.parse(textwrap.dedent("\n".join(mutant))).body[0]  # methods are indented
        for node in ast.walk(outer):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or node is outer:
                continue
            if node.lineno - 1 <= changed <= (node.end_lineno or node.lineno) - 1:
                return f"{module.__name__}:{base}.{node.name}"
    return f"{module.__name__}:{base}"


def show(names: list[str]) -> None:
    for full in names:
        module_name, _, name = full.rpartition(".")
        orig, mutant = _variants(importlib.import_module(module_name), name)
        lines = difflib.unified_diff(orig, mutant, lineterm="", n=0)
        change = [x.strip() for x in lines if x[:1] in "+-" and x[:3] not in ("---", "+++")]
        print(f"{full}: " + " | ".join(x for x in change if "__mutmut_" not in x))


def run(map_file: Path, results_file: Path, patterns: list[str], modules: list[str]) -> None:
    recorded = json.loads(map_file.read_text())
    calls: dict[str, list[str]] = recorded["calls"]
    took: dict[str, float] = recorded["took"]
    results: dict[str, dict[str, Any]] = (
        json.loads(results_file.read_text()) if results_file.exists() else {}
    )
    todo: list[tuple[int, str, ModuleType, str]] = []
    for module_name in modules:
        module = importlib.import_module(module_name)
        for attr in dir(module):
            if not (attr.startswith("mutants_") and attr.endswith("__mutmut")):
                continue
            for name in getattr(module, attr):
                full = f"{module_name}.{name}"
                if name == "_mutmut_orig" or full in results:
                    continue
                rank = next((i for i, p in enumerate(patterns) if re.fullmatch(p, full)), None)
                if rank is not None:
                    todo.append((rank, full, module, name))
    todo.sort(key=lambda t: (t[0], t[1]))
    print(len(todo), "mutants to run", flush=True)
    started = time.monotonic()
    for n, (_, full, module, name) in enumerate(todo):
        unit = mutant_unit(module, name)
        tests = sorted(
            (t for t, units in calls.items() if unit in units), key=lambda t: took.get(t, 1.0)
        )
        entry: dict[str, Any] = {"unit": unit, "tests": len(tests)}
        if not tests:
            entry["status"] = "no tests"
        else:
            os.environ["MUTANT_UNDER_TEST"] = full
            began = time.monotonic()
            with contextlib.redirect_stdout(io.StringIO()):
                code = pytest.main(["-x", *ARGS, *tests])
            os.environ["MUTANT_UNDER_TEST"] = ""
            entry["status"] = {0: "survived", 1: "killed"}.get(int(code), f"exit {int(code)}")
            entry["s"] = round(time.monotonic() - began, 1)
        results[full] = entry
        if entry["status"] != "killed" or n % 10 == 0:
            print(n, full, entry, flush=True)
            results_file.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    results_file.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    counts = Counter(str(r["status"]) for r in results.values())
    print(dict(counts), f"{time.monotonic() - started:.0f} s")


def main(argv: list[str]) -> int:
    sys.path.insert(0, os.getcwd())
    command, rest = argv[0], argv[1:]
    if command == "show":
        show(rest)
        return 0
    if command == "map":
        split = rest.index("--")
        paths, tests = rest[1:split], rest[split + 1 :]
        files = {p: p.removesuffix(".py").replace("/", ".") for p in paths}
        os.environ["MUTANT_UNDER_TEST"] = ""
        mapper = Mapper(files)
        code = pytest.main([*ARGS, *tests], plugins=[mapper])
        calls = {t: sorted(units) for t, units in mapper.calls.items()}
        data = {"modules": sorted(files.values()), "calls": calls, "took": mapper.took}
        Path(rest[0]).write_text(json.dumps(data, indent=1, ensure_ascii=False))
        return int(code)
    if command == "run":
        modules = json.loads(Path(rest[0]).read_text())["modules"]
        run(Path(rest[0]), Path(rest[1]), rest[2:], modules)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
