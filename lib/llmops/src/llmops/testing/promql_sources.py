"""The PromQL a repository holds: Grafana dashboard panels and variables, Prometheus rules.

Each expression comes with its origin (file, panel or rule, query letter) so a failing
check says where to look. Grafana's template variables are not PromQL: see
:func:`grafana_substituted` before handing an expression to Prometheus.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

GRAFANA_BUILTINS = {"__rate_interval": "1m", "__interval": "15s", "__range": "10m", "__range_s": "600"}
"""Values for Grafana's built-in variables (durations a short test run can fill)."""
VARIABLE = re.compile(r"\$\{([A-Za-z_]\w*)(?::\w+)?\}|\$([A-Za-z_]\w*)")
LABEL_VALUES = re.compile(r"^\s*label_values\((.*),\s*[A-Za-z_]\w*\s*\)\s*$", re.DOTALL)


@dataclass(frozen=True)
class Query:
    """One PromQL expression and where it comes from."""

    origin: str
    expr: str


def load_dashboard(path: Path) -> dict[str, Any]:
    """The dashboard JSON model in ``path``."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every panel of ``dashboard``, including those inside collapsed rows."""
    for panel in dashboard["panels"]:
        yield panel
        yield from panel.get("panels", [])


def variable_selector(query: str) -> str:
    """The series selector of a Grafana ``label_values(selector, label)`` query (else ``query``)."""
    match = LABEL_VALUES.match(query)
    return match.group(1) if match else query


def variables_used(expr: str) -> set[str]:
    """Names of the Grafana variables (``$name`` or ``${name}``) in ``expr``."""
    return {a or b for a, b in VARIABLE.findall(expr)}


def grafana_substituted(expr: str) -> str:
    """``expr`` with built-in variables replaced by durations and dashboard variables by ``.*``.

    Dashboard variables are meant for regex matchers (``{tenant=~"$tenant"}``), where
    ``.*`` is what "All" sends. ``$1`` in a string (label_replace) is not a variable.
    """
    return VARIABLE.sub(lambda m: GRAFANA_BUILTINS.get(m.group(1) or m.group(2), ".*"), expr)


def dashboard_queries(paths: Iterable[Path]) -> list[Query]:
    """Every panel query and query-variable selector of the dashboards in ``paths``."""
    queries = []
    for path in paths:
        dashboard = load_dashboard(path)
        for panel in panels(dashboard):
            for target in panel.get("targets", []):
                queries.append(Query(f"{path.stem}:{panel['title']}:{target['refId']}", target["expr"]))
        for var in dashboard["templating"]["list"]:
            if var["type"] == "query":
                queries.append(Query(f"{path.stem}:${var['name']}", variable_selector(var["definition"])))
    return queries


def rule_queries(paths: Iterable[Path]) -> list[Query]:
    """The ``expr`` of every alerting and recording rule in the Prometheus rule files ``paths``."""
    queries = []
    for path in paths:
        for group in yaml.safe_load(path.read_text(encoding="utf-8")).get("groups") or []:
            for rule in group.get("rules") or []:
                name = rule.get("alert") or rule.get("record")
                queries.append(Query(f"{path.name}:{group['name']}:{name}", str(rule["expr"])))
    return queries


def recorded_names(paths: Iterable[Path]) -> set[str]:
    """Metric names the recording rules in ``paths`` create (other expressions may read them)."""
    names: set[str] = set()
    for path in paths:
        for group in yaml.safe_load(path.read_text(encoding="utf-8")).get("groups") or []:
            names.update(rule["record"] for rule in group.get("rules") or [] if "record" in rule)
    return names
