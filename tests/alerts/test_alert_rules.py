"""The Prometheus alert rules: valid, unit-tested alert by alert, documented, and naming real metrics.

``promtool`` (Debian's ``prometheus`` package; ``infra/bootstrap.sh`` installs it) checks
the rule files and the generated local-stack configuration and runs the rule unit tests
in ``infra/prometheus/tests``. The other tests keep the rules honest as they grow: every
alert has a case where it fires and one where it stays silent, a severity, a summary, a
description and a runbook entry in the README, and every metric an expression names is
one the services declare.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import CollectorRegistry, GCCollector, PlatformCollector, ProcessCollector

from llmops import topics
from llmops.localstack.components import HOST, StackConfig
from llmops.localstack.ports import StackPorts
from llmops.localstack.stack import LocalStack, alert_rules_dir
from llmops.testing.declared_metrics import SAMPLE_SUFFIXES, declared_metric_names
from llmops.testing.promql import metric_refs

ROOT = Path(__file__).resolve().parents[2]
RULES_DIR = ROOT / "infra" / "prometheus" / "rules"
RULE_FILES = sorted(RULES_DIR.glob("*.rules.yml"))
TEST_FILES = sorted((ROOT / "infra" / "prometheus" / "tests").glob("*.test.yml"))
README = ROOT / "README.md"
SEVERITIES = {"critical", "warning", "info"}
PROMETHEUS_MADE = {"up"}  # series Prometheus itself writes for each target


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: apt-get install prometheus (infra/bootstrap.sh does)"
    return subprocess.run([promtool, *args], capture_output=True, text=True, timeout=120, check=False)


def _rules() -> list[dict[str, Any]]:
    return [
        rule
        for path in RULE_FILES
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
    ]


ALERTS = {rule["alert"]: rule for rule in _rules() if "alert" in rule}


def _alert_cases() -> dict[str, dict[str, int]]:
    """Alert name -> {"fires": n, "silent": n} over every promtool test case."""
    cases: dict[str, dict[str, int]] = {}
    for path in TEST_FILES:
        for test in yaml.safe_load(path.read_text())["tests"]:
            for case in test.get("alert_rule_test", []):
                kind = "fires" if case.get("exp_alerts") else "silent"
                counts = cases.setdefault(case["alertname"], {"fires": 0, "silent": 0})
                counts[kind] += 1
    return cases


def test_rule_files_are_found() -> None:
    assert RULE_FILES == [RULES_DIR / "llmops.rules.yml"]
    assert TEST_FILES
    assert alert_rules_dir() == RULES_DIR


def test_promtool_check_rules() -> None:
    result = _promtool("check", "rules", *map(str, RULE_FILES))
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_unit_tests_pass() -> None:
    result = _promtool("test", "rules", *map(str, TEST_FILES))
    assert result.returncode == 0, result.stdout + result.stderr


def test_local_stack_prometheus_config_loads_the_rules(tmp_path: Path) -> None:
    path = LocalStack(StackConfig(run_dir=tmp_path, ports=StackPorts.free())).write_prometheus_config()

    assert yaml.safe_load(path.read_text())["rule_files"] == [str(RULES_DIR / "*.rules.yml")]
    result = _promtool("check", "config", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(RULE_FILES)} rule files found" in result.stdout


@pytest.mark.parametrize("alert", sorted(ALERTS))
def test_every_alert_has_a_firing_and_a_silent_promtool_case(alert: str) -> None:
    counts = _alert_cases().get(alert, {"fires": 0, "silent": 0})
    assert counts["fires"] >= 1, f"{alert}: no promtool case where it fires"
    assert counts["silent"] >= 1, f"{alert}: no promtool case where it stays silent"


def test_promtool_cases_name_only_existing_alerts() -> None:
    assert set(_alert_cases()) <= set(ALERTS)


@pytest.mark.parametrize("alert", sorted(ALERTS))
def test_every_alert_is_documented_with_a_runbook_entry(alert: str) -> None:
    rule = ALERTS[alert]
    assert rule["labels"]["severity"] in SEVERITIES
    assert rule["annotations"]["summary"] and rule["annotations"]["description"]
    anchor = f"runbook-{alert.lower()}"
    assert rule["annotations"]["runbook_url"] == f"README.md#{anchor}"
    assert f'<a id="{anchor}"></a>' in README.read_text(), f"README has no runbook entry #{anchor}"


def _declared_sample_names() -> set[str]:
    """What the services declare, plus what prometheus_client exports in every process
    (``process_*``, ``python_*``; the sanity alert reads ``process_start_time_seconds``)."""
    defaults = CollectorRegistry()
    ProcessCollector(registry=defaults)
    PlatformCollector(registry=defaults)
    GCCollector(registry=defaults)
    client_made = {
        family.name + suffix
        for family in defaults.collect()
        for suffix in SAMPLE_SUFFIXES.get(family.type, ("",))
    }
    return declared_metric_names() | client_made


def test_rules_name_only_metrics_the_services_declare() -> None:
    declared = _declared_sample_names()
    recorded = {rule["record"] for rule in _rules() if "record" in rule}
    unknown = {}
    for rule in _rules():
        names = metric_refs(rule["expr"]).names
        missing = {n for n in names if n not in declared and n not in recorded and n not in PROMETHEUS_MADE}
        if missing:
            unknown[rule.get("alert") or rule["record"]] = sorted(missing)
    assert not unknown, f"rules name metrics no service declares: {unknown}"


def test_metric_name_extraction_sees_selectors_and_recordings() -> None:
    expr = (
        'histogram_quantile(0.95, sum by (route, le) (rate(llmops_x_bucket{le="+Inf", a=~"b|c"}[5m])))'
        " / route:llmops_y:rate5m > on (route) group_left up"
        " and time() - process_start_time_seconds > 26 * 3600"
    )
    assert metric_refs(expr).names == {
        "llmops_x_bucket",
        "route:llmops_y:rate5m",
        "up",
        "process_start_time_seconds",
    }


def _prometheus_get(base: str, path: str) -> Any:
    with urllib.request.urlopen(f"{base}{path}", timeout=5) as response:
        return json.loads(response.read())["data"]


@pytest.mark.integration
async def test_local_prometheus_evaluates_every_rule_and_sees_each_service_lag(
    local_stack: StackConfig,
) -> None:
    """On the running stack: every rule evaluates cleanly, and each service's lag reaches the recording.

    Only platform topics have a lag: audit's join-table changelog is assigned to it but
    never committed by the group, and must not be exported.
    """
    base = f"http://{HOST}:{local_stack.ports.prometheus}"
    wanted = {"gateway", "inference", "guardrails", "audit", "drift"}
    deadline, health, services, lag_topics = time.monotonic() + 120, {}, set(), set()
    while time.monotonic() < deadline:
        groups = (await asyncio.to_thread(_prometheus_get, base, "/api/v1/rules"))["groups"]
        health = {r["name"]: (r["health"], r.get("lastError", "")) for g in groups for r in g["rules"]}
        query = "/api/v1/query?query=service_topic:llmops_consumer_lag_messages:sum"
        series = (await asyncio.to_thread(_prometheus_get, base, query))["result"]
        services = {s["metric"]["service"] for s in series}
        lag_topics = {s["metric"]["topic"] for s in series}
        if services == wanted and all(state == "ok" for state, _ in health.values()):
            break
        await asyncio.sleep(1)
    assert {name for name, (state, _) in health.items() if state != "ok"} == set(), health
    assert set(health) >= set(ALERTS)
    assert services == wanted
    assert lag_topics <= {spec.name for spec in topics.ALL_TOPICS}, "a table changelog counted as lag"
