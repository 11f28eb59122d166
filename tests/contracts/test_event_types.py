"""Every TypedDict in ``llmops.events`` equals the latest version of its Avro schema, recursively.

Field names must match exactly, and each annotation must be the Python type fastavro reads
for the Avro type (``string`` -> ``str``, ``long`` -> ``int``, ``double`` -> ``float``,
unions with ``null`` -> ``X | None``, arrays -> ``list``, maps -> ``dict[str, X]``, nested
records -> the TypedDict of the same name).
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Iterator
from typing import Any, TypedDict, get_args, get_origin, get_type_hints, is_typeddict

import pytest

from llmops import events
from llmops.schema_store import SchemaStore
from llmops.topics import ALL_TOPICS, TopicSpec

PYTHON_TYPE_OF = {
    "null": type(None),
    "boolean": bool,
    "int": int,
    "long": int,
    "float": float,
    "double": float,
    "bytes": bytes,
    "string": str,
}


class RecordComparator:
    """Compares TypedDicts with Avro record schemas and remembers which TypedDicts it saw."""

    def __init__(self) -> None:
        self.seen: set[type] = set()
        self.named: dict[str, Any] = {}

    def record(self, typed: type, schema: dict[str, Any], path: str) -> Iterator[str]:
        """Yield one message per difference between a TypedDict and an Avro record."""
        self.named[schema["name"]] = schema
        self.named[schema["name"].rsplit(".", 1)[-1]] = schema
        if not is_typeddict(typed):
            yield f"{path}: {typed!r} is not a TypedDict but the schema has record {schema['name']}"
            return
        self.seen.add(typed)
        if typed.__name__ != schema["name"].rsplit(".", 1)[-1]:
            yield f"{path}: TypedDict {typed.__name__} mirrors record {schema['name']}"
        hints = get_type_hints(typed)
        fields = {f["name"]: f["type"] for f in schema["fields"]}
        for name in sorted(fields.keys() - hints.keys()):
            yield f"{path}.{name}: in the schema, missing from {typed.__name__}"
        for name in sorted(hints.keys() - fields.keys()):
            yield f"{path}.{name}: in {typed.__name__}, missing from the schema"
        for name in sorted(fields.keys() & hints.keys()):
            yield from self.value(hints[name], fields[name], f"{path}.{name}")

    def value(self, hint: Any, avro: Any, path: str) -> Iterator[str]:
        """Yield differences between one annotation and one Avro type."""
        if isinstance(avro, str) and avro not in PYTHON_TYPE_OF:
            avro = self.named.get(avro, avro)
        if isinstance(avro, list):
            yield from self._union(hint, avro, path)
        elif isinstance(avro, str):
            if hint is not PYTHON_TYPE_OF.get(avro):
                yield f"{path}: annotated {hint!r}, schema says {avro}"
        elif avro["type"] == "record":
            yield from self.record(hint, avro, path)
        elif avro["type"] in ("array", "map"):
            yield from self._container(hint, avro, path)
        elif avro["type"] in PYTHON_TYPE_OF:  # primitive with a logical type
            yield from self.value(hint, avro["type"], path)
        else:
            yield f"{path}: Avro type {avro['type']} has no mapping in this test yet"

    def _container(self, hint: Any, avro: dict[str, Any], path: str) -> Iterator[str]:
        if avro["type"] == "array":
            if get_origin(hint) is not list:
                yield f"{path}: annotated {hint!r}, schema says array"
            else:
                yield from self.value(get_args(hint)[0], avro["items"], f"{path}[]")
        elif get_origin(hint) is not dict or get_args(hint)[0] is not str:
            yield f"{path}: annotated {hint!r}, schema says map (string keys)"
        else:
            yield from self.value(get_args(hint)[1], avro["values"], f"{path}{{}}")

    def _union(self, hint: Any, branches: list[Any], path: str) -> Iterator[str]:
        members = get_args(hint) if get_origin(hint) in (typing.Union, types.UnionType) else (hint,)
        optional = type(None) in members
        if optional != ("null" in branches):
            yield f"{path}: nullability differs (annotated {hint!r}, schema union {branches})"
        rest = [m for m in members if m is not type(None)]
        avro_rest = [b for b in branches if b != "null"]
        if len(rest) != len(avro_rest):
            yield f"{path}: annotated {hint!r}, schema union {branches}"
            return
        for member, branch in zip(rest, avro_rest, strict=True):
            yield from self.value(member, branch, path)


def _event_typeddicts() -> set[type]:
    return {obj for _, obj in inspect.getmembers(events, is_typeddict) if obj.__module__ == events.__name__}


@pytest.mark.parametrize("spec", ALL_TOPICS, ids=lambda t: t.name)
def test_event_type_equals_latest_schema(spec: TopicSpec, store: SchemaStore) -> None:
    latest = store.get(spec.schema)
    differences = list(RecordComparator().record(spec.event_type, latest.declared, spec.schema))
    assert differences == [], f"{spec.event_type.__name__} vs {latest.path.name}:\n" + "\n".join(differences)


def test_every_event_typeddict_mirrors_a_schema_record(store: SchemaStore) -> None:
    comparator = RecordComparator()
    for spec in ALL_TOPICS:
        list(comparator.record(spec.event_type, store.get(spec.schema).declared, spec.schema))
    orphans = {t.__name__ for t in _event_typeddicts() - comparator.seen}
    assert orphans == set(), f"TypedDicts in llmops.events that no schema record mirrors: {sorted(orphans)}"


# Self-test: the comparator reports each kind of drift.


class _Inner(TypedDict):
    x: int


class _Outer(TypedDict):
    a: str
    b: int | None
    items: list[_Inner]
    tags: dict[str, str]


def _outer_schema(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "a": "string",
        "b": ["null", "long"],
        "items": {
            "type": "array",
            "items": {
                "type": "record",
                "name": "_Inner",
                "fields": [
                    {"name": "x", "type": "int"},
                ],
            },
        },
        "tags": {"type": "map", "values": "string"},
    }
    fields.update(changes)
    return {
        "type": "record",
        "name": "ns._Outer",
        "fields": [{"name": n, "type": t} for n, t in fields.items() if t is not None],
    }


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        ({"b": ["null", {"type": "long", "logicalType": "timestamp-millis"}]}, []),
        ({"a": None}, ["o.a: in _Outer, missing from the schema"]),
        ({"extra": "string"}, ["o.extra: in the schema, missing from _Outer"]),
        ({"a": "bytes"}, ["o.a: annotated <class 'str'>, schema says bytes"]),
        ({"b": "long"}, ["o.b: annotated int | None, schema says long"]),
        (
            {"a": ["null", "string"]},
            ["o.a: nullability differs (annotated <class 'str'>, schema union ['null', 'string'])"],
        ),
        (
            {"tags": {"type": "map", "values": "long"}},
            ["o.tags{}: annotated <class 'str'>, schema says long"],
        ),
        (
            {"tags": {"type": "array", "items": "string"}},
            ["o.tags: annotated dict[str, str], schema says array"],
        ),
        (
            {
                "items": {
                    "type": "array",
                    "items": {
                        "type": "record",
                        "name": "_Inner",
                        "fields": [
                            {"name": "x", "type": "int"},
                            {"name": "y", "type": "int"},
                        ],
                    },
                }
            },
            ["o.items[].y: in the schema, missing from _Inner"],
        ),
        (
            {
                "items": {
                    "type": "array",
                    "items": {
                        "type": "record",
                        "name": "Other",
                        "fields": [
                            {"name": "x", "type": "int"},
                        ],
                    },
                }
            },
            ["o.items[]: TypedDict _Inner mirrors record Other"],
        ),
    ],
    ids=[
        "equal",
        "logical-type",
        "field-removed",
        "field-added",
        "wrong-primitive",
        "lost-null",
        "gained-null",
        "map-values",
        "map-vs-array",
        "nested-field",
        "nested-name",
    ],
)
def test_comparator_reports_drift(changes: dict[str, Any], expected: list[str]) -> None:
    assert list(RecordComparator().record(_Outer, _outer_schema(**changes), "o")) == expected
