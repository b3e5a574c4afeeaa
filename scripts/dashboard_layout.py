"""Grafana's grid and the query pieces every row shares (used by gen_dashboard.py)."""

from __future__ import annotations

from typing import Any

DS = {"type": "prometheus", "uid": "${datasource}"}
RATE = "$__rate_interval"
RANGE = "$__range"
ROOM = 'room=~"$room"'
# Every instance reports every open alert (resynced from the shared store): take the max.
OPEN = "max by (room, plan, severity, state) (roomwatch_alerts_open)"
# Time to acknowledge by room: a count and a sum (a room's percentiles would cost a
# series per bucket and room; per-controller histograms carry the percentiles).
ROOM_ACK = "roomwatch_room_time_to_acknowledge_seconds"
# Panels in this row read metrics that exist only with the Redis store in cluster mode.
CLUSTER_ROW = "Redis and several instances (cluster mode)"

Panel = dict[str, Any]


class Layout:
    """Place panels left to right on Grafana's 24-column grid, row by row."""

    def __init__(self) -> None:
        self.panels: list[Panel] = []
        self.x = self.y = 0
        self.row_h = 0
        self.next_id = 1

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def row(self, title: str) -> None:
        if self.x:
            self.y += self.row_h
        self.panels.append(
            {
                "id": self._id(),
                "type": "row",
                "title": title,
                "collapsed": False,
                "gridPos": {"h": 1, "w": 24, "x": 0, "y": self.y},
                "panels": [],
            }
        )
        self.y += 1
        self.x = self.row_h = 0

    def add(
        self,
        kind: str,
        title: str,
        targets: list[tuple[str, str]],
        *,
        w: int = 8,
        h: int = 8,
        unit: str = "short",
        description: str = "",
        options: dict[str, Any] | None = None,
    ) -> None:
        if self.x + w > 24:
            self.y += self.row_h
            self.x = self.row_h = 0
        panel: Panel = {
            "id": self._id(),
            "type": kind,
            "title": title,
            "description": description,
            "datasource": DS,
            "gridPos": {"h": h, "w": w, "x": self.x, "y": self.y},
            "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
            "options": options or {},
            "targets": [
                {
                    "datasource": DS,
                    "refId": chr(ord("A") + i),
                    "expr": expr,
                    "legendFormat": legend,
                    **({"instant": True, "format": "table"} if kind == "table" else {}),
                }
                for i, (expr, legend) in enumerate(targets)
            ],
        }
        if kind == "timeseries":
            panel["options"] = {
                "legend": {"displayMode": "list", "placement": "bottom"},
                "tooltip": {"mode": "multi"},
                **(options or {}),
            }
        self.panels.append(panel)
        self.x += w
        self.row_h = max(self.row_h, h)


def quantile(q: float, metric: str, by: str, window: str, match: str = "") -> str:
    sel = f"{{{match}}}" if match else ""
    return (
        f"histogram_quantile({q}, sum by (le, {by}) (rate({metric}_bucket{sel}[{window}])))"
        if by
        else f"histogram_quantile({q}, sum by (le) (rate({metric}_bucket{sel}[{window}])))"
    )
