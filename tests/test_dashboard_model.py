"""The shipped Grafana dashboard is what scripts/gen_dashboard.py builds, and well formed."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DASHBOARD = ROOT / "config" / "grafana" / "dashboards" / "roomwatch.json"


def test_checked_in_dashboard_matches_the_generator() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_dashboard.py"), "--check"], timeout=60
    )
    assert done.returncode == 0, "run scripts/gen_dashboard.py and commit the JSON"


def test_dashboard_layout_variables_and_sections() -> None:
    model = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    panels = model["panels"]
    ids = [p["id"] for p in panels]
    assert len(ids) == len(set(ids))
    for p in panels:
        pos = p["gridPos"]
        assert pos["x"] >= 0 and pos["x"] + pos["w"] <= 24, p["title"]
        if p["type"] != "row":
            assert p["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
            assert p["targets"] and all(t["expr"].strip() for t in p["targets"]), p["title"]
    # No two panels overlap on the grid.
    cells: set[tuple[int, int]] = set()
    for p in panels:
        g = p["gridPos"]
        mine = {
            (x, y) for x in range(g["x"], g["x"] + g["w"]) for y in range(g["y"], g["y"] + g["h"])
        }
        assert not cells & mine, f"{p['title']} overlaps another panel"
        cells |= mine
    rows = [p["title"] for p in panels if p["type"] == "row"]
    assert rows[0] == "Rooms overview" and "Room: $room" in rows
    assert {"Controller response times", "Pipeline health"} <= set(rows)
    variables = {v["name"]: v for v in model["templating"]["list"]}
    assert variables["room"]["query"]["query"] == "label_values(roomwatch_negative_ratio, room)"
    drill = rows.index("Room: $room")
    row_ids = [i for i, p in enumerate(panels) if p["type"] == "row"]
    end = row_ids[drill + 1]
    for p in panels[row_ids[drill] + 1 : end]:
        assert all(re.search(r"\$room\b", t["expr"]) for t in p["targets"]), p["title"]
