"""The provisioned Grafana dashboards (and any Prometheus alert rules): valid, and reading real metrics.

Offline: the committed JSON is what ``infra/grafana/generate.py`` produces, and each file
is a dashboard Grafana can load (unique ids, the provisioned datasource, a unit and
queries on every panel, no overlapping panels, only defined variables).

Against the session's local stack after a short run of real traffic: every PromQL
expression of the dashboards, of their variable queries and of
``infra/prometheus/rules/*.rules.yml`` is evaluated by Prometheus (a syntax error comes
back as an error), and every metric it names is one the services export.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml

from llmops.demo.corpus import CORPUS
from llmops.dev_tokens import mint_token
from llmops.localstack.components import HOST, StackConfig
from llmops.testing.promql import metric_refs

ROOT = Path(__file__).resolve().parents[2]
GRAFANA = ROOT / "infra" / "grafana"
DASHBOARD_FILES = sorted((GRAFANA / "dashboards").glob("*.json"))
RULE_FILES = sorted((ROOT / "infra" / "prometheus" / "rules").glob("*.rules.yml"))
EXPECTED = {"overview", "gateway", "inference", "guardrails", "drift", "audit"} | {
    "guardrail-actions",
    "drift-detection",
    "cost",
}
BUILTINS = {"__rate_interval": "1m", "__interval": "15s", "__range": "10m", "__range_s": "600"}
VARIABLE = re.compile(r"\$\{([A-Za-z_]\w*)(?::\w+)?\}|\$([A-Za-z_]\w*)")
LABEL_VALUES = re.compile(r"^\s*label_values\((.*),\s*[A-Za-z_]\w*\s*\)\s*$", re.DOTALL)


@dataclass(frozen=True)
class Query:
    """One PromQL expression and where it comes from (for the test id and messages)."""

    origin: str
    expr: str


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every panel, including those inside collapsed rows."""
    for panel in dashboard["panels"]:
        yield panel
        yield from panel.get("panels", [])


def variable_selector(query: str) -> str:
    """The series selector of a Grafana ``label_values(selector, label)`` variable query."""
    match = LABEL_VALUES.match(query)
    return match.group(1) if match else query


def dashboard_queries() -> list[Query]:
    queries = []
    for path in DASHBOARD_FILES:
        dashboard = load(path)
        for panel in panels(dashboard):
            for t in panel.get("targets", []):
                queries.append(Query(f"{path.stem}:{panel['title']}:{t['refId']}", t["expr"]))
        for var in dashboard["templating"]["list"]:
            if var["type"] == "query":
                queries.append(Query(f"{path.stem}:${var['name']}", variable_selector(var["definition"])))
    return queries


def rule_queries() -> list[Query]:
    queries = []
    for path in RULE_FILES:
        for group in yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]:
            for rule in group["rules"]:
                name = rule.get("alert") or rule.get("record")
                queries.append(Query(f"{path.name}:{name}", rule["expr"]))
    return queries


def substituted(expr: str) -> str:
    """``expr`` with Grafana's variables replaced: built-ins by durations, dashboard variables by ``.*``."""
    return VARIABLE.sub(lambda m: BUILTINS.get(m.group(1) or m.group(2), ".*"), expr)


# ----------------------------------------------------------------------------- offline


def test_committed_dashboards_are_what_the_generator_writes() -> None:
    result = subprocess.run(
        [sys.executable, str(GRAFANA / "generate.py"), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_every_dashboard_of_the_issue_exists_once() -> None:
    assert {p.stem for p in DASHBOARD_FILES} == EXPECTED
    dashboards = [load(p) for p in DASHBOARD_FILES]
    assert len({d["uid"] for d in dashboards}) == len(dashboards)
    assert len({d["title"] for d in dashboards}) == len(dashboards)


def _provisioned_datasource_uid() -> str:
    data = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text())
    [source] = [s for s in data["datasources"] if s["type"] == "prometheus"]
    uid: str = source["uid"]
    return uid


@pytest.mark.parametrize("path", DASHBOARD_FILES, ids=lambda p: p.stem)
def test_dashboard_is_loadable(path: Path) -> None:
    dashboard = load(path)
    uid = _provisioned_datasource_uid()
    assert dashboard["uid"] and len(dashboard["uid"]) <= 40
    assert dashboard["schemaVersion"] >= 36 and "llmops" in dashboard["tags"]
    all_panels = list(panels(dashboard))
    assert len({p["id"] for p in all_panels}) == len(all_panels), "panel ids must be unique"
    for panel in all_panels:
        if panel["type"] != "row":
            _check_panel(panel, uid)
    for var in dashboard["templating"]["list"]:
        assert var["datasource"]["uid"] == uid, var["name"]
    _check_no_overlap(all_panels)
    _check_variables_defined(dashboard)


def _check_panel(panel: dict[str, Any], uid: str) -> None:
    title = panel["title"]
    assert panel["datasource"]["uid"] == uid, title
    assert panel["targets"], f"{title}: no queries"
    assert len({t["refId"] for t in panel["targets"]}) == len(panel["targets"]), title
    for t in panel["targets"]:
        assert t["expr"].strip() and t["datasource"]["uid"] == uid, title
    assert panel["fieldConfig"]["defaults"].get("unit"), f"{title}: no unit"
    assert panel.get("description"), f"{title}: no description"


def _check_no_overlap(all_panels: list[dict[str, Any]]) -> None:
    taken: dict[tuple[int, int], str] = {}
    for panel in all_panels:
        grid = panel["gridPos"]
        assert grid["x"] >= 0 and grid["x"] + grid["w"] <= 24 and grid["h"] > 0, panel["title"]
        for cell in (
            (x, y)
            for x in range(grid["x"], grid["x"] + grid["w"])
            for y in range(grid["y"], grid["y"] + grid["h"])
        ):
            assert cell not in taken, f"{panel['title']} overlaps {taken.get(cell)}"
            taken[cell] = panel["title"]


def _check_variables_defined(dashboard: dict[str, Any]) -> None:
    defined = {v["name"] for v in dashboard["templating"]["list"]} | set(BUILTINS)
    for panel in panels(dashboard):
        for t in panel.get("targets", []):
            used = {a or b for a, b in VARIABLE.findall(t["expr"])}
            assert used <= defined, f"{panel['title']}: undefined {sorted(used - defined)}"


def test_provisioning_reads_the_directory_compose_mounts() -> None:
    provider = yaml.safe_load((GRAFANA / "provisioning" / "dashboards" / "llmops.yml").read_text())
    [entry] = provider["providers"]
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    mounts = dict(
        str(v).split(":")[:2] for v in compose["services"]["grafana"]["volumes"] if str(v).startswith("./")
    )
    assert mounts["./infra/grafana/dashboards"] == entry["options"]["path"]
    assert mounts["./infra/grafana/provisioning"] == "/etc/grafana/provisioning"


def test_variables_are_replaced_for_evaluation() -> None:
    expr = 'rate(x{t=~"$tenant", m=~"${model}"}[$__rate_interval]) + label_replace(y, "a", "$1", "b", "(.*)")'
    assert substituted(expr) == 'rate(x{t=~".*", m=~".*"}[1m]) + label_replace(y, "a", "$1", "b", "(.*)")'
    assert variable_selector('label_values(m{route=~"/v1/.*"}, tenant)') == 'm{route=~"/v1/.*"}'


# ---------------------------------------------------------------- against the local stack

QUERIES = dashboard_queries() + rule_queries()
MUST_HAVE_DATA = [
    'sum (rate(llmops_gateway_requests_total{route=~"/v1/.*"}[1m]))',
    "sum by (model, version) (rate(llmops_inference_cost_usd_total[1m]))",
    "sum by (action) (rate(llmops_guardrails_verdicts_total[1m]))",
]
"""Expressions the traffic below must make non-empty before queries are checked."""


def declared_metric_names() -> set[str]:
    """Every sample name the services' registries can export.

    Prometheus only knows a labelled counter after its first labelled event (a breaker
    opening, a retrain trigger, a drift window closing), which a short test run cannot
    provoke for all of them; the declarations in each ``metric_defs`` module are the
    contract for the rest.
    """
    from prometheus_client import CollectorRegistry
    from prometheus_client.metrics import MetricWrapperBase

    import audit.metric_defs
    import drift.metric_defs
    import gateway.metric_defs
    import guardrails.metric_defs
    import inference.metric_defs
    from llmops.metric_defs import pipeline_metrics

    registry = CollectorRegistry()
    for service in ("gateway", "inference", "guardrails", "drift", "audit"):
        pipeline_metrics(service, registry)
    audit.metric_defs.audit_metrics(registry)
    families = list(registry.collect())
    for module in (gateway.metric_defs, inference.metric_defs, guardrails.metric_defs, drift.metric_defs):
        for value in vars(module).values():
            if isinstance(value, MetricWrapperBase):
                families.extend(value.describe())
    suffixes = {"counter": ("_total", "_created"), "histogram": ("_bucket", "_count", "_sum", "_created")}
    return {f.name + s for f in families for s in suffixes.get(f.type, ("",))}


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
    return scraped_names | declared_metric_names()


@pytest.mark.integration
@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.origin)
async def test_expression_parses_and_reads_exported_metrics(
    local_stack: StackConfig, known_names: set[str], query: Query
) -> None:
    expr = substituted(query.expr)
    answer = await _prometheus(local_stack, "/api/v1/query", query=expr)
    assert answer["status"] == "success", f"{query.origin}: {answer.get('error')}\n{expr}"
    refs = metric_refs(expr)
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
