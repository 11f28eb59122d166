"""The provisioned Grafana dashboards: what the generator writes, and loadable by Grafana.

There is no Grafana server in the local stack, so the files are checked as Grafana reads
them: unique ids, the provisioned datasource's uid, queries, a unit and a description on
every panel, no overlapping panels, only defined variables, and the provisioning
provider reading the directory docker-compose mounts. Whether the queries are right is
``test_dashboard_queries.py``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from llmops.testing.promql_sources import (
    GRAFANA_BUILTINS,
    load_dashboard,
    panels,
    variables_used,
)

ROOT = Path(__file__).resolve().parents[2]
GRAFANA = ROOT / "infra" / "grafana"
DASHBOARD_FILES = sorted((GRAFANA / "dashboards").glob("*.json"))
EXPECTED = {"overview", "gateway", "inference", "guardrails", "drift", "audit"} | {
    "guardrail-actions",
    "drift-detection",
    "cost",
}
"""The issue's list: overview, one per service, guardrail actions, drift, cost."""


def test_committed_dashboards_are_what_the_generator_writes() -> None:
    result = subprocess.run(
        [sys.executable, str(GRAFANA / "generate.py"), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_every_dashboard_of_the_issue_exists_once() -> None:
    assert {p.stem for p in DASHBOARD_FILES} == EXPECTED
    dashboards = [load_dashboard(p) for p in DASHBOARD_FILES]
    assert len({d["uid"] for d in dashboards}) == len(dashboards)
    assert len({d["title"] for d in dashboards}) == len(dashboards)


def _provisioned_datasource_uid() -> str:
    data = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text())
    [source] = [s for s in data["datasources"] if s["type"] == "prometheus"]
    uid: str = source["uid"]
    return uid


@pytest.mark.parametrize("path", DASHBOARD_FILES, ids=lambda p: p.stem)
def test_dashboard_is_loadable(path: Path) -> None:
    dashboard = load_dashboard(path)
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
    defined = {v["name"] for v in dashboard["templating"]["list"]} | set(GRAFANA_BUILTINS)
    for panel in panels(dashboard):
        for t in panel.get("targets", []):
            used = variables_used(t["expr"])
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
