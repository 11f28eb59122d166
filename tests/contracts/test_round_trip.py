"""Every topic's event survives encode -> decode, in the Avro single-object encoding.

The header is checked against an implementation of CRC-64-AVRO written here from the
Avro specification, and against fastavro's, rather than against the schema store.
"""

from __future__ import annotations

import itertools
from typing import Any

import fastavro
import fastavro.schema
import pytest

from llmops.codec import HEADER_SIZE, MARKER, AvroCodec
from llmops.schema_store import SchemaStore
from llmops.topics import ALL_TOPICS, BY_NAME

VARIANTS = ("non_null", "null")
CASES = list(itertools.product([t.name for t in ALL_TOPICS], VARIANTS))
CASE_IDS = [f"{topic}-{variant}" for topic, variant in CASES]

_EMPTY = 0xC15D213AA4D7A795  # the Avro specification's CRC-64-AVRO seed


def _crc64_table() -> list[int]:
    table = []
    for byte in range(256):
        fp = byte
        for _ in range(8):
            fp = (fp >> 1) ^ (_EMPTY & -(fp & 1))
        table.append(fp)
    return table


_TABLE = _crc64_table()


def crc64_avro(data: bytes) -> int:
    """CRC-64-AVRO ("Rabin") fingerprint, transcribed from the Avro specification."""
    fp = _EMPTY
    for byte in data:
        fp = (fp >> 8) ^ _TABLE[(fp ^ byte) & 0xFF]
    return fp


def spec_fingerprint(declared: Any) -> bytes:
    """The 8 header bytes the Avro specification prescribes: CRC-64-AVRO, little-endian."""
    canonical = fastavro.schema.to_parsing_canonical_form(fastavro.parse_schema(declared, _force=True))
    return crc64_avro(canonical.encode()).to_bytes(8, "little")


def test_crc64_matches_the_avro_test_vector() -> None:
    # Avro's share/test/data/schema-tests.txt: the 64-bit fingerprint of "null".
    assert crc64_avro(b'"null"') == 7195948357588979594


@pytest.mark.parametrize("spec", ALL_TOPICS, ids=lambda t: t.name)
def test_local_crc_agrees_with_fastavro(spec: Any, store: SchemaStore) -> None:
    declared = store.get(spec.schema).declared
    canonical = fastavro.schema.to_parsing_canonical_form(fastavro.parse_schema(declared, _force=True))
    # fastavro renders the fingerprint's bytes in little-endian order, as Java's Avro writes them.
    assert fastavro.schema.fingerprint(canonical, "CRC-64-AVRO") == spec_fingerprint(declared).hex()


def test_every_topic_has_realistic_events(events: dict[tuple[str, str], dict[str, Any]]) -> None:
    assert set(events) == set(CASES)


def _optional_values(schema: Any, value: Any, path: str, found: dict[str, list[Any]]) -> None:
    """Collect the values of every union with null, list and map inside ``value``, by path."""
    if isinstance(schema, list):
        if "null" in schema:
            found.setdefault(path, []).append(value)
        if value is not None:
            _optional_values(next(b for b in schema if b != "null"), value, path, found)
    elif isinstance(schema, dict) and schema["type"] == "record":
        for field in schema["fields"]:
            _optional_values(field["type"], value[field["name"]], f"{path}.{field['name']}", found)
    elif isinstance(schema, dict) and schema["type"] in ("array", "map"):
        found.setdefault(path, []).append(value)
        items = value if schema["type"] == "array" else list(value.values())
        for item in items:
            _optional_values(
                schema["items" if schema["type"] == "array" else "values"], item, f"{path}[]", found
            )


def _is_empty(value: Any) -> bool:
    return value is None or value in ([], {})


@pytest.mark.parametrize("spec", ALL_TOPICS, ids=lambda t: t.name)
def test_event_variants_cover_both_branches_of_every_optional_field(
    spec: Any, events: dict[tuple[str, str], dict[str, Any]], store: SchemaStore
) -> None:
    """Between them, the two variants hold null and non-null (empty and non-empty) everywhere."""
    schema = store.get(spec.schema).declared
    by_variant: dict[str, dict[str, list[Any]]] = {}
    for variant in VARIANTS:
        by_variant[variant] = {}
        _optional_values(schema, events[spec.name, variant], "", by_variant[variant])
    shared = by_variant["non_null"].keys() & by_variant["null"].keys()
    assert shared, "the schema has no optional part to cover"
    one_sided = [
        path
        for path in sorted(shared)
        if len({_is_empty(v) for variant in VARIANTS for v in by_variant[variant][path]}) != 2
    ]
    assert one_sided == [], f"only one branch (null/empty or set) is exercised at: {one_sided}"


@pytest.mark.parametrize(("topic", "variant"), CASES, ids=CASE_IDS)
def test_round_trip(
    topic: str, variant: str, events: dict[tuple[str, str], dict[str, Any]], codec: AvroCodec
) -> None:
    event = events[topic, variant]
    schema = BY_NAME[topic].schema
    data = codec.encode(schema, event)
    assert data[:2] == MARKER == b"\xc3\x01"
    assert data[2:HEADER_SIZE] == codec.store.get(schema).fingerprint
    assert codec.decode(data, schema) == event


@pytest.mark.parametrize(("topic", "variant"), CASES, ids=CASE_IDS)
def test_round_trip_keeps_exact_python_types(
    topic: str, variant: str, events: dict[tuple[str, str], dict[str, Any]], codec: AvroCodec
) -> None:
    """Timestamps stay int epoch milliseconds (no datetime), bytes stay bytes, floats stay float."""
    schema = BY_NAME[topic].schema
    decoded = codec.decode(codec.encode(schema, events[topic, variant]), schema)
    assert type(decoded["created_at"]) is int
    assert _types(decoded) == _types(events[topic, variant])


def _types(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _types(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_types(v) for v in value]
    return type(value).__name__


@pytest.mark.parametrize("spec", ALL_TOPICS, ids=lambda t: t.name)
def test_header_carries_the_spec_fingerprint(
    spec: Any, events: dict[tuple[str, str], dict[str, Any]], codec: AvroCodec
) -> None:
    data = codec.encode(spec.schema, events[spec.name, "non_null"])
    assert data[2:HEADER_SIZE] == spec_fingerprint(codec.store.get(spec.schema).declared)
