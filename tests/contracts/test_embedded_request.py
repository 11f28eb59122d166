"""The request copy embedded in ``completion`` is the latest request schema, byte for byte canonical."""

from __future__ import annotations

from typing import Any

import fastavro
import fastavro.schema

from llmops.schema_store import SchemaStore


def _canonical(schema: Any) -> str:
    canonical: str = fastavro.schema.to_parsing_canonical_form(fastavro.parse_schema(schema, _force=True))
    return canonical


def _field_type(schema: dict[str, Any], name: str) -> Any:
    matches = [f["type"] for f in schema["fields"] if f["name"] == name]
    assert len(matches) == 1, f"{schema['name']} must have exactly one field {name!r}"
    return matches[0]


def test_completion_embeds_the_latest_request_schema(store: SchemaStore) -> None:
    completion = store.get("completion").declared
    embedded = _field_type(completion, "request")
    latest = store.get("request")
    assert _canonical(embedded) == _canonical(latest.declared), (
        f"completion.request differs from request.v{latest.version}: update the embedded copy "
        "(and add a completion version) whenever the request schema changes"
    )


def test_embedded_request_keeps_docs_and_logical_types(store: SchemaStore) -> None:
    """Canonical form drops docs and logical types; the embedded copy must keep them too."""
    embedded = _field_type(store.get("completion").declared, "request")
    assert embedded == store.get("request").declared


def test_canonical_comparison_detects_a_changed_field(store: SchemaStore) -> None:
    latest = store.get("request").declared
    changed = {**latest, "fields": [f for f in latest["fields"] if f["name"] != "metadata"]}
    assert _canonical(changed) != _canonical(latest)
