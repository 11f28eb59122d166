"""Assemble panels into a dashboard: ids, grid layout, template variables, links.

Panels flow left to right in a 24-column grid and wrap; a row header always starts
a new line. Every dashboard carries the ``llmops`` tag and a link menu to the others,
so on-call can jump from the overview to the service that misbehaves.
"""

from __future__ import annotations

from model import DATASOURCE, Json

GRID_WIDTH = 24
SCHEMA_VERSION = 39


def variable(name: str, label: str, metric: str, label_name: str) -> Json:
    """A multi-value query variable over the values of ``label_name`` on ``metric`` ("All" = ``.*``).

    Use it in a regex matcher: ``{tenant=~"$tenant"}``.
    """
    query = f"label_values({metric}, {label_name})"
    return {
        "name": name,
        "label": label,
        "type": "query",
        "datasource": DATASOURCE,
        "definition": query,
        # The classic string form: every Grafana version reads it (and migrates it in its editor).
        "query": query,
        "refresh": 2,
        "sort": 1,
        "multi": True,
        "includeAll": True,
        "allValue": ".*",
        "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
        "options": [],
        "hide": 0,
    }


def _layout(panels: list[Json]) -> list[Json]:
    x = y = line_height = 0
    for number, panel in enumerate(panels, start=1):
        grid = panel["gridPos"]
        if panel["type"] == "row" or x + grid["w"] > GRID_WIDTH:
            x, y, line_height = 0, y + line_height, 0
        panel["id"] = number
        grid["x"], grid["y"] = x, y
        x, line_height = x + grid["w"], max(line_height, grid["h"])
        if panel["type"] == "row":
            x, y, line_height = 0, y + grid["h"], 0
    return panels


def dashboard(
    uid: str, title: str, description: str, panels: list[Json], variables: list[Json] | None = None
) -> Json:
    """A complete, importable dashboard (UTC, last hour, refreshed every 30 s, shared crosshair)."""
    return {
        "uid": uid,
        "title": title,
        "description": description,
        "tags": ["llmops"],
        "timezone": "utc",
        "editable": True,
        "graphTooltip": 1,
        "schemaVersion": SCHEMA_VERSION,
        "version": 1,
        "refresh": "30s",
        "time": {"from": "now-1h", "to": "now"},
        "fiscalYearStartMonth": 0,
        "liveNow": False,
        "weekStart": "",
        "annotations": {"list": []},
        "links": [
            {
                "title": "LLMOps dashboards",
                "type": "dashboards",
                "tags": ["llmops"],
                "asDropdown": True,
                "includeVars": True,
                "keepTime": True,
            }
        ],
        "templating": {"list": variables or []},
        "panels": _layout(panels),
    }
