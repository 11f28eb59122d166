"""Write ``audit.ndjson``: the Kibana saved objects of the audit trail (run after changing them).

Kibana stores nested JSON (``visState``, ``searchSourceJSON``, ``panelsJSON``) as strings;
generating the file keeps that escaping right. Import the result as it is:
``curl -X POST localhost:5601/api/saved_objects/_import?overwrite=true -H 'kbn-xsrf: true'
--form file=@infra/kibana/audit.ndjson`` or Stack Management > Saved objects > Import.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA_VIEW = "llmops-audit"
INDEX_REF = "kibanaSavedObjectMeta.searchSourceJSON.index"
VERSION = {"coreMigrationVersion": "8.8.0"}


def _source(kql: str) -> dict[str, str]:
    body = {"query": {"query": kql, "language": "kuery"}, "filter": [], "indexRefName": INDEX_REF}
    return {"searchSourceJSON": json.dumps(body)}


def _ref() -> list[dict[str, str]]:
    return [{"id": DATA_VIEW, "name": INDEX_REF, "type": "index-pattern"}]


def data_view() -> dict[str, Any]:
    """The data view over the audit alias."""
    attributes = {"title": "llmops-audit", "name": "LLMOps audit records", "timeFieldName": "@timestamp"}
    return {"id": DATA_VIEW, "type": "index-pattern", "attributes": attributes, "references": [], **VERSION}


def saved_search(obj_id: str, title: str, kql: str, columns: list[str]) -> dict[str, Any]:
    """A Discover search with its KQL and columns, newest first."""
    attributes = {
        "title": title,
        "description": f"KQL: {kql}",
        "columns": columns,
        "sort": [["@timestamp", "desc"]],
        "kibanaSavedObjectMeta": _source(kql),
    }
    return {"id": obj_id, "type": "search", "attributes": attributes, "references": _ref(), **VERSION}


def visualization(
    obj_id: str, title: str, vis_type: str, aggs: list[dict[str, Any]], kql: str = ""
) -> dict[str, Any]:
    """An aggregation-based visualization (optionally filtered by KQL)."""
    params: dict[str, Any] = {"addLegend": True, "addTooltip": True}
    if vis_type == "table":
        params = {"perPage": 10, "showPartialRows": False, "showMetricsAtAllLevels": False}
    vis_state = {"title": title, "type": vis_type, "params": params, "aggs": aggs}
    attributes = {
        "title": title,
        "visState": json.dumps(vis_state),
        "uiStateJSON": "{}",
        "description": "",
        "version": 1,
        "kibanaSavedObjectMeta": _source(kql),
    }
    return {"id": obj_id, "type": "visualization", "attributes": attributes, "references": _ref(), **VERSION}


def agg(agg_id: str, agg_type: str, schema: str, **params: Any) -> dict[str, Any]:
    """One aggregation of a visualization."""
    return {"id": agg_id, "enabled": True, "type": agg_type, "schema": schema, "params": params}


def terms(agg_id: str, field: str, schema: str = "bucket", size: int = 10) -> dict[str, Any]:
    """A terms bucket ordered by the first metric."""
    return agg(agg_id, "terms", schema, field=field, size=size, order="desc", orderBy="1")


VISUALIZATIONS = [
    visualization(
        "audit-volume",
        "Audit: requests over time by tenant",
        "histogram",
        [
            agg("1", "count", "metric"),
            agg("2", "date_histogram", "segment", field="@timestamp", interval="auto"),
            terms("3", "tenant", "group"),
        ],
    ),
    visualization(
        "audit-actions",
        "Audit: guardrail actions",
        "pie",
        [agg("1", "count", "metric"), terms("2", "guardrails.action", "segment")],
    ),
    visualization(
        "audit-latency",
        "Audit: latency (ms) by tenant and model",
        "table",
        [
            agg("1", "avg", "metric", field="latency_ms.total"),
            agg("4", "max", "metric", field="latency_ms.total"),
            agg("5", "avg", "metric", field="latency_ms.inference"),
            agg("6", "avg", "metric", field="latency_ms.guardrails"),
            terms("2", "tenant"),
            terms("3", "gen_ai.request.model"),
        ],
    ),
    visualization(
        "audit-tokens-cost",
        "Audit: tokens and cost by tenant and model",
        "table",
        [
            agg("1", "count", "metric"),
            agg("4", "sum", "metric", field="gen_ai.usage.input_tokens"),
            agg("5", "sum", "metric", field="gen_ai.usage.output_tokens"),
            agg("6", "sum", "metric", field="cost_usd"),
            terms("2", "tenant"),
            terms("3", "gen_ai.request.model"),
        ],
    ),
    visualization(
        "audit-block-reasons",
        "Audit: top block reasons",
        "table",
        [
            agg("1", "count", "metric"),
            terms("2", "guardrails.reason_code"),
            terms("3", "guardrails.finding_categories"),
        ],
        kql='guardrails.action : "block"',
    ),
]

SEARCHES = [
    saved_search(
        "audit-blocked",
        "Audit: blocked responses",
        'guardrails.action : "block"',
        [
            "tenant",
            "gen_ai.request.model",
            "guardrails.reason_code",
            "guardrails.finding_categories",
            "request_id",
        ],
    ),
    saved_search(
        "audit-fallbacks",
        "Audit: fallbacks",
        "fallback.used : true",
        ["tenant", "gen_ai.request.model", "gen_ai.response.model", "fallback.reason", "request_id"],
    ),
    saved_search(
        "audit-tenant-activity",
        "Audit: one tenant's activity (edit the tenant)",
        'tenant : "acme"',
        ["gen_ai.request.model", "status", "guardrails.action", "latency_ms.total", "cost_usd", "request_id"],
    ),
]


def dashboard() -> dict[str, Any]:
    """The dashboard: every visualization, two per row."""
    panels, references = [], []
    for n, vis in enumerate(VISUALIZATIONS):
        grid = {"x": 24 * (n % 2), "y": 15 * (n // 2), "w": 24, "h": 15, "i": str(n + 1)}
        panels.append(
            {"panelIndex": str(n + 1), "gridData": grid, "panelRefName": f"panel_{n}", "embeddableConfig": {}}
        )
        references.append({"id": vis["id"], "name": f"panel_{n}", "type": "visualization"})
    attributes = {
        "title": "LLMOps audit",
        "description": "Volume, actions, latency, tokens and cost by tenant and model; top block reasons.",
        "panelsJSON": json.dumps(panels),
        "optionsJSON": json.dumps({"useMargins": True, "hidePanelTitles": False}),
        "timeRestore": False,
        "kibanaSavedObjectMeta": {
            "searchSourceJSON": json.dumps({"query": {"query": "", "language": "kuery"}, "filter": []})
        },
    }
    return {
        "id": "llmops-audit-dashboard",
        "type": "dashboard",
        "attributes": attributes,
        "references": references,
        **VERSION,
    }


def main() -> None:
    """Write the saved objects next to this script."""
    objects = [data_view(), *SEARCHES, *VISUALIZATIONS, dashboard()]
    lines = [json.dumps(obj, sort_keys=True) for obj in objects]
    (Path(__file__).parent / "audit.ndjson").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
