#!/usr/bin/env python3
"""Generate config/grafana/dashboards/roomwatch.json (run after editing the panels).

The panels live by subject beside this script: dashboard_rooms.py (rooms), dashboard_people.py
(response times, questions), dashboard_service.py (notifications, pipeline, cluster);
dashboard_layout.py places them on Grafana's grid.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from dashboard_layout import CLUSTER_ROW, DS, Layout
from dashboard_people import add_questions, add_response_times
from dashboard_rooms import add_room_detail, add_rooms_overview
from dashboard_service import add_cluster, add_notifications, add_pipeline

__all__ = ["CLUSTER_ROW", "build", "main"]

OUT = Path(__file__).resolve().parents[1] / "config" / "grafana" / "dashboards" / "roomwatch.json"


def build() -> dict[str, Any]:
    """Return the dashboard model."""
    g = Layout()
    for add in (
        add_rooms_overview,
        add_room_detail,
        add_response_times,
        add_questions,
        add_notifications,
        add_pipeline,
        add_cluster,
    ):
        add(g)
    return {
        "uid": "roomwatch",
        "title": "roomwatch",
        "description": "Live-commerce room monitoring: rooms, alerts, response times, pipeline.",
        "tags": ["roomwatch"],
        "timezone": "browser",
        "schemaVersion": 39,
        "version": 1,
        "editable": True,
        "graphTooltip": 1,
        "refresh": "10s",
        "time": {"from": "now-1h", "to": "now"},
        "annotations": {"list": []},
        "links": [],
        "templating": {
            "list": [
                {
                    "name": "datasource",
                    "label": "Prometheus",
                    "type": "datasource",
                    "query": "prometheus",
                    "current": {"text": "Prometheus", "value": "roomwatch-prometheus"},
                    "hide": 0,
                },
                {
                    "name": "room",
                    "label": "Room",
                    "type": "query",
                    "datasource": DS,
                    "definition": "label_values(roomwatch_negative_ratio, room)",
                    "query": {
                        "query": "label_values(roomwatch_negative_ratio, room)",
                        "refId": "rooms",
                    },
                    "refresh": 2,
                    "sort": 1,
                    "multi": False,
                    "includeAll": False,
                    "hide": 0,
                },
            ]
        },
        "panels": g.panels,
    }


def main() -> int:
    text = json.dumps(build(), indent=2, ensure_ascii=False) + "\n"
    if "--check" in sys.argv:
        return 0 if OUT.read_text(encoding="utf-8") == text else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
