"""Collecting PromQL from dashboards and rule files (``llmops.testing.promql_sources``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmops.testing.promql_sources import (
    Query,
    dashboard_queries,
    grafana_substituted,
    recorded_names,
    rule_queries,
    variable_selector,
)

RULES = """
groups:
  - name: gateway
    rules:
      - record: job:llmops_gateway_requests:rate5m
        expr: sum by (job) (rate(llmops_gateway_requests_total[5m]))
      - alert: GatewayDown
        expr: up{job="gateway"} == 0
        for: 1m
"""


def test_rules_give_every_expr_and_the_recorded_names(tmp_path: Path) -> None:
    path = tmp_path / "gateway.rules.yml"
    path.write_text(RULES)
    assert rule_queries([path]) == [
        Query(
            "gateway.rules.yml:gateway:job:llmops_gateway_requests:rate5m",
            "sum by (job) (rate(llmops_gateway_requests_total[5m]))",
        ),
        Query("gateway.rules.yml:gateway:GatewayDown", 'up{job="gateway"} == 0'),
    ]
    assert recorded_names([path]) == {"job:llmops_gateway_requests:rate5m"}


def test_dashboards_give_panel_queries_nested_rows_and_variables(tmp_path: Path) -> None:
    dashboard = {
        "panels": [
            {"title": "A", "targets": [{"refId": "A", "expr": "a"}]},
            {
                "type": "row",
                "title": "R",
                "panels": [{"title": "B", "targets": [{"refId": "B", "expr": "b"}]}],
            },
        ],
        "templating": {
            "list": [
                {"name": "t", "type": "query", "definition": 'label_values(c{x="1"}, t)'},
                {"name": "i", "type": "interval", "definition": "1m,5m"},
            ]
        },
    }
    path = tmp_path / "d.json"
    path.write_text(json.dumps(dashboard))
    assert dashboard_queries([path]) == [
        Query("d:A:A", "a"),
        Query("d:B:B", "b"),
        Query("d:$t", 'c{x="1"}'),
    ]


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('rate(x{t=~"$tenant"}[$__rate_interval])', 'rate(x{t=~".*"}[1m])'),
        ('increase(x{m=~"${model}"}[$__range])', 'increase(x{m=~".*"}[10m])'),
        ('label_replace(y, "a", "$1", "b", "(.*)")', 'label_replace(y, "a", "$1", "b", "(.*)")'),
        ("x", "x"),
    ],
)
def test_grafana_variables_are_replaced(expr: str, expected: str) -> None:
    assert grafana_substituted(expr) == expected


@pytest.mark.parametrize(
    ("query", "selector"),
    [
        ('label_values(m{route=~"/v1/.*"}, tenant)', 'm{route=~"/v1/.*"}'),
        ("label_values(m, tenant)", "m"),
        ("up", "up"),
    ],
)
def test_variable_selector(query: str, selector: str) -> None:
    assert variable_selector(query) == selector
