"""Builders for the parts of a Grafana dashboard JSON model (schema 39, Grafana 11).

Every panel queries the provisioned Prometheus datasource by its uid (``prometheus``,
``provisioning/datasources/prometheus.yml``); ids and grid positions are assigned when
the dashboard is assembled (:func:`dashboard`), so the definitions only say what to
show, how wide, and in which unit.
"""

from __future__ import annotations

from typing import Any

DATASOURCE = {"type": "prometheus", "uid": "prometheus"}
"""The provisioned datasource; its uid must match ``provisioning/datasources/prometheus.yml``."""

Json = dict[str, Any]


def target(expr: str, legend: str = "__auto", *, table: bool = False) -> Json:
    """One PromQL query; ``table`` makes it an instant query shown as a table."""
    query: Json = {"datasource": DATASOURCE, "expr": expr, "legendFormat": legend}
    return query | ({"format": "table", "instant": True, "range": False} if table else {"range": True})


def _panel(
    kind: str, title: str, description: str, unit: str, targets: list[Json], size: tuple[int, int]
) -> Json:
    for ref, query in zip("ABCDEFGHIJ", targets, strict=False):
        query["refId"] = ref
    return {
        "type": kind,
        "title": title,
        "description": description,
        "datasource": DATASOURCE,
        "gridPos": {"w": size[0], "h": size[1]},
        "targets": targets,
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
    }


def timeseries(
    title: str, description: str, unit: str, targets: list[Json], *, stack: bool = False, w: int = 12
) -> Json:
    """A time series graph with a table legend (mean, max, last) sorted in the tooltip."""
    panel = _panel("timeseries", title, description, unit, targets, (w, 8))
    panel["fieldConfig"]["defaults"]["custom"] = {
        "drawStyle": "line",
        "lineWidth": 1,
        "fillOpacity": 25 if stack else 5,
        "showPoints": "never",
        "spanNulls": False,
        "stacking": {"mode": "normal" if stack else "none", "group": "A"},
    }
    panel["options"] = {
        "legend": {
            "displayMode": "table",
            "placement": "bottom",
            "showLegend": True,
            "calcs": ["mean", "max", "lastNotNull"],
        },
        "tooltip": {"mode": "multi", "sort": "desc"},
    }
    return panel


def stat(
    title: str, description: str, unit: str, expr: str, steps: list[tuple[str, float | None]], *, w: int = 4
) -> Json:
    """A single number coloured by ``steps`` ((colour, lower bound) pairs; the first bound is None)."""
    panel = _panel("stat", title, description, unit, [target(expr, title)], (w, 4))
    panel["fieldConfig"]["defaults"]["thresholds"] = {
        "mode": "absolute",
        "steps": [{"color": color, "value": value} for color, value in steps],
    }
    panel["fieldConfig"]["defaults"]["noValue"] = "0"
    panel["options"] = {
        "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
        "colorMode": "background",
        "graphMode": "area",
        "textMode": "value",
    }
    return panel


def table(title: str, description: str, unit: str, expr: str, *, w: int = 12, sort_by: str = "Value") -> Json:
    """An instant query as a table (one row per series, labels as columns), largest value first."""
    panel = _panel("table", title, description, unit, [target(expr, table=True)], (w, 8))
    panel["transformations"] = [{"id": "organize", "options": {"excludeByName": {"Time": True}}}]
    panel["options"] = {"showHeader": True, "sortBy": [{"displayName": sort_by, "desc": True}]}
    return panel


def state_mapping(panel: Json, states: dict[int, tuple[str, str]]) -> Json:
    """Show the gauge values of ``panel`` as named, coloured states (e.g. breaker 0/1/2)."""
    options = {
        str(value): {"text": text, "color": color, "index": i}
        for i, (value, (text, color)) in enumerate(states.items())
    }
    panel["fieldConfig"]["defaults"]["mappings"] = [{"type": "value", "options": options}]
    return panel


def dashed(panel: Json, name_regex: str) -> Json:
    """Draw the series whose display name matches ``name_regex`` as red dashed lines (thresholds)."""
    override = {
        "matcher": {"id": "byRegexp", "options": name_regex},
        "properties": [
            {"id": "custom.lineStyle", "value": {"fill": "dash", "dash": [10, 10]}},
            {"id": "color", "value": {"mode": "fixed", "fixedColor": "red"}},
            {"id": "custom.fillOpacity", "value": 0},
        ],
    }
    panel["fieldConfig"]["overrides"].append(override)
    return panel


def row(title: str) -> Json:
    """A full-width section header."""
    return {"type": "row", "title": title, "collapsed": False, "panels": [], "gridPos": {"w": 24, "h": 1}}
