"""Every PromQL expression of the dashboards and alert rules reads metrics the services export.

For each panel query, variable query and ``expr`` in ``infra/prometheus/rules/*.rules.yml``
(present once the alert rules land): every label matcher names a label its metric
declares (offline), and, against the session's local stack after a short run of real
traffic, Prometheus evaluates the expression (a syntax error comes back as an error)
and every metric name in it is one Prometheus scraped or a service registry declares.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from llmops.demo.corpus import CORPUS
from llmops.dev_tokens import mint_token
from llmops.localstack.components import HOST, StackConfig
from llmops.testing.declared_metrics import declared_metric_names, declared_metrics
from llmops.testing.promql import matcher_labels, metric_refs
from llmops.testing.promql_sources import (
    Query,
    dashboard_queries,
    grafana_substituted,
    recorded_names,
    rule_queries,
)

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD_FILES = sorted((ROOT / "infra" / "grafana" / "dashboards").glob("*.json"))
RULE_FILES = sorted((ROOT / "infra" / "prometheus" / "rules").glob("*.rules.yml"))
SYNTHETIC = {"ALERTS", "ALERTS_FOR_STATE"}
"""Series Prometheus makes itself from alerting rules (rules may read them)."""
SCRAPE_LABELS = {"job", "instance"}
"""Labels Prometheus attaches to every scraped series."""

PANEL_QUERIES = dashboard_queries(DASHBOARD_FILES)
QUERIES = PANEL_QUERIES + rule_queries(RULE_FILES)
MUST_HAVE_DATA = [
    'sum (rate(llmops_gateway_requests_total{route=~"/v1/.*"}[1m]))',
    "sum by (model, version) (rate(llmops_inference_cost_usd_total[1m]))",
    "sum by (action) (rate(llmops_guardrails_verdicts_total[1m]))",
    "sum by (topic) (llmops_guardrails_consumer_lag_messages)",
]
"""Expressions the traffic below must make non-empty before queries are checked."""


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.origin)
def test_label_matchers_name_labels_the_metric_has(query: Query) -> None:
    """A filter on a label the metric lacks matches nothing once a value is chosen (with "All", ``.*``
    matches the missing label and hides the mistake), so every matcher must name a declared label."""
    declared = declared_metrics()
    for metric, labels in matcher_labels(query.expr):
        if metric in declared:
            unknown = labels - SCRAPE_LABELS - declared[metric]
            assert not unknown, f"{query.origin}: {metric} has no label {sorted(unknown)}"


async def _send_traffic(stack: StackConfig) -> None:
    """A dozen demo prompts (PII, moderation, plain) from several tenants, plus a refused one."""
    url = f"http://{HOST}:{stack.ports.gateway}/v1/chat/completions"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:

        async def send(tenant: str, text: str, token: str | None = None) -> int:
            body = {
                "model": "llama-3.1-8b",
                "messages": [{"role": "user", "content": text}],
                "max_tokens": 16,
            }
            headers = {"Authorization": f"Bearer {token or mint_token(tenant)}"}
            async with session.post(url, json=body, headers=headers) as response:
                await response.read()
                return response.status

        statuses = await asyncio.gather(*(send(p[0], p[3]) for p in CORPUS[::4]))
        assert statuses.count(200) >= len(statuses) - 1, statuses
        assert await send("acme", "hello", token="not-a-jwt") == 401


async def _prometheus(stack: StackConfig, path: str, **params: str) -> dict[str, Any]:
    url = f"http://{HOST}:{stack.ports.prometheus}{path}"
    async with aiohttp.ClientSession() as session, session.get(url, params=params) as response:
        body: dict[str, Any] = await response.json(content_type=None)
        return body


@pytest.fixture(scope="module")
async def scraped_names(local_stack: StackConfig) -> set[str]:
    """Metric names Prometheus holds once the traffic's effects have been scraped."""
    await _send_traffic(local_stack)
    deadline = asyncio.get_running_loop().time() + 45
    while True:
        results = [await _prometheus(local_stack, "/api/v1/query", query=q) for q in MUST_HAVE_DATA]
        if all(r["data"]["result"] for r in results):
            break
        assert asyncio.get_running_loop().time() < deadline, f"Prometheus never saw the traffic: {results}"
        await asyncio.sleep(1)
    names = await _prometheus(local_stack, "/api/v1/label/__name__/values")
    return set(names["data"])


@pytest.fixture(scope="module")
def known_names(scraped_names: set[str]) -> set[str]:
    return scraped_names | declared_metric_names() | recorded_names(RULE_FILES) | SYNTHETIC


@pytest.mark.integration
@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.origin)
async def test_expression_parses_and_reads_exported_metrics(
    local_stack: StackConfig, known_names: set[str], query: Query
) -> None:
    expr = grafana_substituted(query.expr)
    answer = await _prometheus(local_stack, "/api/v1/query", query=expr)
    assert answer["status"] == "success", f"{query.origin}: {answer.get('error')}\n{expr}"
    refs = metric_refs(expr)
    if query in PANEL_QUERIES:  # rules may record constants (objectives: vector(0.5))
        assert refs.names or refs.patterns, f"{query.origin} reads no metric: {expr}"
    assert refs.names <= known_names, f"{query.origin}: unknown {sorted(refs.names - known_names)}"
    for pattern in refs.patterns:
        assert any(re.fullmatch(pattern, n) for n in known_names), (
            f"{query.origin}: {pattern} matches nothing"
        )


@pytest.mark.integration
def test_registry_declarations_are_what_the_services_export(scraped_names: set[str]) -> None:
    exported = {n for n in scraped_names if n.startswith("llmops_")}
    assert exported <= declared_metric_names(), sorted(exported - declared_metric_names())
