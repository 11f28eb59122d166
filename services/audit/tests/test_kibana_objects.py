"""The Kibana saved objects in ``infra/kibana``: importable shape, and every field they use is mapped."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from audit.mapping import AUDIT_MAPPINGS, field_paths

KIBANA = Path(__file__).parents[3] / "infra" / "kibana"
KQL_FIELD = re.compile(r"([A-Za-z_@][\w.@]*)\s*:")


def _objects() -> list[dict[str, Any]]:
    return [
        json.loads(line) for path in sorted(KIBANA.glob("*.ndjson")) for line in path.read_text().splitlines()
    ]


def _leaf_fields(mappings: dict[str, Any] = AUDIT_MAPPINGS, prefix: str = "") -> set[str]:
    leaves = set()
    for name, spec in mappings.get("properties", {}).items():
        path = f"{prefix}{name}"
        if "type" in spec and spec["type"] != "object":
            leaves.add(path)
        leaves |= _leaf_fields(spec, f"{path}.")
    return leaves


def _fields_used(obj: dict[str, Any]) -> set[str]:
    attributes = obj["attributes"]
    used = set(attributes.get("columns", [])) | {field for field, _ in attributes.get("sort", [])}
    used |= {attributes["timeFieldName"]} if "timeFieldName" in attributes else set()
    source = json.loads(attributes.get("kibanaSavedObjectMeta", {}).get("searchSourceJSON", "{}"))
    used |= set(KQL_FIELD.findall(source.get("query", {}).get("query", "")))
    for aggregation in json.loads(attributes.get("visState", '{"aggs": []}'))["aggs"]:
        if "field" in aggregation["params"]:
            used.add(aggregation["params"]["field"])
    return used


def test_saved_objects_cover_what_analysts_need() -> None:
    by_type: dict[str, list[str]] = {}
    for obj in _objects():
        by_type.setdefault(obj["type"], []).append(obj["id"])

    assert by_type["index-pattern"] == ["llmops-audit"]
    assert set(by_type["search"]) == {"audit-blocked", "audit-fallbacks", "audit-tenant-activity"}
    assert len(by_type["dashboard"]) == 1
    assert len(by_type["visualization"]) >= 5


@pytest.mark.parametrize("obj", _objects(), ids=lambda o: o["id"])
def test_every_field_used_exists_in_the_index_mapping(obj: dict[str, Any]) -> None:
    leaves = _leaf_fields()

    assert _fields_used(obj) <= leaves, sorted(_fields_used(obj) - leaves)


@pytest.mark.parametrize("obj", _objects(), ids=lambda o: o["id"])
def test_every_reference_resolves(obj: dict[str, Any]) -> None:
    ids = {o["id"] for o in _objects()}

    assert {ref["id"] for ref in obj["references"]} <= ids
    if obj["type"] == "dashboard":
        panels = json.loads(obj["attributes"]["panelsJSON"])
        assert {p["panelRefName"] for p in panels} == {ref["name"] for ref in obj["references"]}


def test_the_file_is_what_the_generator_writes(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("kibana_generate", KIBANA / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    objects = [module.data_view(), *module.SEARCHES, *module.VISUALIZATIONS, module.dashboard()]

    assert [json.loads(json.dumps(o, sort_keys=True)) for o in objects] == _objects()


def test_field_paths_lists_nested_fields() -> None:
    assert {"gen_ai.usage.input_tokens", "guardrails.findings.category", "chain.hash"} <= field_paths()
