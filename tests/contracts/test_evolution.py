"""Schema evolution works in both directions: old events read as new, new events read by old consumers."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fastavro
import pytest

from llmops.codec import HEADER_SIZE, AvroCodec
from llmops.errors import InvalidMessage
from llmops.schema_store import SchemaStore, SchemaVersion

SCHEMAS_DIR = Path(__file__).resolve().parents[2] / "schemas"
_STORE = SchemaStore.load(SCHEMAS_DIR)
VERSION_PAIRS = [
    (writer.path.name, reader.path.name)
    for name in sorted(_STORE.names())
    for writer, reader in itertools.permutations(
        sorted((v for v in _STORE.versions() if v.name == name), key=lambda v: v.version), 2
    )
]
PRIMITIVE_SAMPLES: dict[str, Any] = {
    "null": None,
    "boolean": True,
    "int": -7,
    "long": 2**40,
    "float": 0.5,
    "double": 3.25,
    "bytes": b"\x00\xff",
    "string": "sample ✓",
}


def sample_record(schema: Any) -> Any:
    """A value for an Avro type with every optional part set (non-null branch, one-element lists)."""
    if isinstance(schema, list):
        return sample_record(next(branch for branch in schema if branch != "null"))
    if isinstance(schema, str):
        return PRIMITIVE_SAMPLES[schema]
    complex_sample = _COMPLEX_SAMPLES.get(schema["type"])
    return complex_sample(schema) if complex_sample else sample_record(schema["type"])


_COMPLEX_SAMPLES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "record": lambda s: {field["name"]: sample_record(field["type"]) for field in s["fields"]},
    "array": lambda s: [sample_record(s["items"])],
    "map": lambda s: {"k": sample_record(s["values"])},
    "enum": lambda s: s["symbols"][0],
    "fixed": lambda s: b"\x01" * s["size"],
}


def _read(data: bytes, writer: SchemaVersion, reader: SchemaVersion) -> Any:
    return fastavro.schemaless_reader(io.BytesIO(data[HEADER_SIZE:]), writer.parsed, reader.parsed)


def test_request_has_two_versions(store: SchemaStore) -> None:
    assert store.latest_version("request") == 2
    assert store.get("request", 1).fingerprint != store.get("request", 2).fingerprint


def test_v1_request_decodes_as_latest_with_empty_metadata(
    codec: AvroCodec, events: dict[tuple[str, str], dict[str, Any]]
) -> None:
    v1_event = {k: v for k, v in events["llm.requests.v1", "non_null"].items() if k != "metadata"}
    data = codec.encode("request", v1_event, version=1)
    assert codec.writer_of(data).version == 1
    decoded = codec.decode(data, "request")
    assert decoded == {**v1_event, "metadata": {}}


def test_v1_encoder_refuses_v2_only_fields(
    codec: AvroCodec, events: dict[tuple[str, str], dict[str, Any]]
) -> None:
    with pytest.raises(ValueError, match="metadata"):
        codec.encode("request", events["llm.requests.v1", "non_null"], version=1)


@pytest.mark.parametrize("variant", ["non_null", "null"])
def test_v2_request_is_readable_by_a_v1_consumer(
    variant: str, codec: AvroCodec, store: SchemaStore, events: dict[tuple[str, str], dict[str, Any]]
) -> None:
    """An old consumer (reader schema v1) that already has the v2 writer schema drops metadata."""
    event = events["llm.requests.v1", variant]
    data = codec.encode("request", event)
    assert codec.writer_of(data).version == 2
    decoded = _read(data, store.get("request", 2), store.get("request", 1))
    assert decoded == {k: v for k, v in event.items() if k != "metadata"}


def test_consumer_without_the_new_schema_file_dead_letters_it(
    codec: AvroCodec, events: dict[tuple[str, str], dict[str, Any]], tmp_path: Path
) -> None:
    """Pins the rollout rule: a consumer must have a writer's schema file before producers use it.

    Readers resolve writers by fingerprint from their own ``schemas/``, so a consumer deployed
    before request.v2 existed cannot read v2 events at all: consumers upgrade first.
    """
    (tmp_path / "request.v1.avsc").write_bytes((SCHEMAS_DIR / "request.v1.avsc").read_bytes())
    old_consumer = AvroCodec(SchemaStore.load(tmp_path))
    with pytest.raises(InvalidMessage, match="unknown writer schema fingerprint"):
        old_consumer.decode(codec.encode("request", events["llm.requests.v1", "non_null"]), "request")


def test_schemas_with_several_versions_are_checked() -> None:
    assert ("request.v1.avsc", "request.v2.avsc") in VERSION_PAIRS
    assert ("request.v2.avsc", "request.v1.avsc") in VERSION_PAIRS


@pytest.mark.parametrize(
    ("writer_file", "reader_file"), VERSION_PAIRS, ids=[f"{w}->{r}" for w, r in VERSION_PAIRS]
)
def test_versions_resolve_each_other(writer_file: str, reader_file: str, store: SchemaStore) -> None:
    """Every version reads every other (backward and forward compatible), keeping shared fields."""
    writer = next(v for v in store.versions() if v.path.name == writer_file)
    reader = next(v for v in store.versions() if v.path.name == reader_file)
    record = sample_record(writer.declared)
    codec = AvroCodec(store)
    decoded = _read(codec.encode(writer.name, record, version=writer.version), writer, reader)
    reader_fields = {f["name"]: f for f in reader.declared["fields"]}
    for name, field in reader_fields.items():
        expected = record[name] if name in record else field["default"]
        assert decoded[name] == expected, f"field {name} after {writer_file} -> {reader_file}"
    assert set(decoded) == set(reader_fields)


def test_resolution_check_detects_an_incompatible_change(store: SchemaStore) -> None:
    """A new required field without a default is what the pairwise check must refuse."""
    v2 = store.get("request", 2).declared
    broken = {**v2, "fields": [*v2["fields"], {"name": "required_new", "type": "string", "doc": "x"}]}
    v1 = store.get("request", 1)
    data = AvroCodec(store).encode("request", sample_record(v1.declared), version=1)
    with pytest.raises(fastavro.read.SchemaResolutionError):
        fastavro.schemaless_reader(io.BytesIO(data[HEADER_SIZE:]), v1.parsed, fastavro.parse_schema(broken))
