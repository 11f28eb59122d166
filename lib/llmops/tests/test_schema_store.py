"""SchemaStore: loading, lookup by name/version/fingerprint, and clear configuration errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import fastavro
import pytest

from llmops.errors import ConfigurationError
from llmops.schema_store import SchemaStore, find_schemas_dir, fingerprint_of

REPO_SCHEMAS = Path(__file__).resolve().parents[3] / "schemas"


def _record(name: str = "Foo", *fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "record",
        "name": name,
        "namespace": "t",
        "fields": list(fields or [{"name": "a", "type": "int"}]),
    }


def _write(directory: Path, file_name: str, schema: Any) -> Path:
    path = directory / file_name
    path.write_text(schema if isinstance(schema, str) else json.dumps(schema), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "version", "message"),
    [
        ("nope", None, r"no schema named nope"),
        ("nope", 1, r"schema nope\.v1 not found"),
        ("request", 9, r"schema request\.v9 not found"),
        ("request", 0, r"schema request\.v0 not found"),
    ],
)
def test_unknown_schema_or_version_is_a_configuration_error(
    store: SchemaStore, name: str, version: int | None, message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        store.get(name, version)


def test_latest_version_and_default_get(store: SchemaStore) -> None:
    assert store.latest_version("request") == 2
    assert store.latest_version("completion") == 1
    assert store.get("request").version == 2
    assert store.get("request", 1).version == 1
    with pytest.raises(ConfigurationError, match="no schema named nope"):
        store.latest_version("nope")


def test_latest_version_is_numeric_not_lexical(tmp_path: Path) -> None:
    for version in (1, 2, 10):
        _write(tmp_path, f"foo.v{version}.avsc", _record())
    store = SchemaStore.load(tmp_path)
    assert store.latest_version("foo") == 10
    assert [v.version for v in sorted(store.versions(), key=lambda v: v.version)] == [1, 2, 10]
    with pytest.raises(ConfigurationError):
        store.get("foo", 3)


def test_fingerprint_lookup(store: SchemaStore) -> None:
    for version in store.versions():
        assert store.by_fingerprint(version.fingerprint) is version
        assert len(version.fingerprint) == 8
    assert store.by_fingerprint(b"\x00" * 8) is None
    assert len({v.fingerprint for v in store.versions()}) == len(store.versions())


def test_parsed_schema_drops_logical_types_but_declared_keeps_them(store: SchemaStore) -> None:
    version = store.get("request")
    created_at = next(f for f in version.declared["fields"] if f["name"] == "created_at")
    assert created_at["type"] == {"type": "long", "logicalType": "timestamp-millis"}
    assert "logicalType" not in json.dumps(version.parsed, default=str)
    # Parsing canonical form ignores logical types: stripping them keeps the fingerprint.
    assert version.fingerprint == fingerprint_of(fastavro.parse_schema(version.declared, _force=True))


def test_files_other_than_avsc_are_ignored(tmp_path: Path) -> None:
    _write(tmp_path, "foo.v1.avsc", _record())
    _write(tmp_path, "README.md", "# not a schema")
    _write(tmp_path, "foo.v2.json", "{")
    assert SchemaStore.load(tmp_path).names() == {"foo"}


@pytest.mark.parametrize(
    "file_name",
    [
        "Foo.v1.avsc",
        "foo.avsc",
        "foo.v.avsc",
        "foo.vx.avsc",
        "foo-bar.v1.avsc",
        "foo.v1.extra.avsc",
        "1foo.v1.avsc",
    ],
)
def test_badly_named_file_is_a_configuration_error_naming_it(tmp_path: Path, file_name: str) -> None:
    _write(tmp_path, "good.v1.avsc", _record())
    _write(tmp_path, file_name, _record())
    with pytest.raises(ConfigurationError, match=r"<name>\.v<N>\.avsc") as caught:
        SchemaStore.load(tmp_path)
    assert file_name in str(caught.value)


@pytest.mark.parametrize(
    "content",
    [
        "{",
        "",
        '{"type": "record", "name": "Foo", "fields": [}',
        '"no_such_type"',
        '{"type": "record", "fields": []}',
        '{"type": "record", "name": "Foo", "fields": [{"name": "a"}]}',
        '{"type": "record", "name": "Foo", "fields": [{"name": "a", "type": "int", "default": "x"}]}',
        '{"type": "enum", "name": "E", "symbols": ["ok", "not ok"]}',
    ],
    ids=[
        "truncated-json",
        "empty-file",
        "bad-json",
        "unknown-type",
        "record-without-name",
        "field-without-type",
        "bad-default",
        "bad-enum-symbol",
    ],
)
def test_invalid_schema_file_is_a_configuration_error_naming_it(tmp_path: Path, content: str) -> None:
    path = _write(tmp_path, "broken.v1.avsc", content)
    with pytest.raises(ConfigurationError, match="invalid Avro schema") as caught:
        SchemaStore.load(tmp_path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    "content", ["42", "null", "{}", '{"type": "array"}'], ids=["number", "null", "empty", "array"]
)
def test_json_that_is_no_schema_is_a_configuration_error(tmp_path: Path, content: str) -> None:
    _write(tmp_path, "broken.v1.avsc", content)
    with pytest.raises(ConfigurationError, match=r"broken\.v1\.avsc"):
        SchemaStore.load(tmp_path)


def test_two_files_of_one_version_are_a_configuration_error(tmp_path: Path) -> None:
    _write(tmp_path, "foo.v1.avsc", _record())
    _write(tmp_path, "foo.v01.avsc", _record("Foo", {"name": "b", "type": "string"}))
    with pytest.raises(ConfigurationError, match="foo"):
        SchemaStore.load(tmp_path)


def test_schemas_dir_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, "foo.v1.avsc", _record())
    monkeypatch.setenv("LLMOPS_SCHEMAS_DIR", str(tmp_path))
    assert find_schemas_dir() == tmp_path
    store = SchemaStore.load()
    assert store.names() == {"foo"}
    assert store.get("foo").path == tmp_path / "foo.v1.avsc"


@pytest.mark.parametrize("subdir", ["empty", "missing"])
def test_schemas_dir_override_without_schemas_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, subdir: str
) -> None:
    target = tmp_path / subdir
    if subdir == "empty":
        target.mkdir()
    monkeypatch.setenv("LLMOPS_SCHEMAS_DIR", str(target))
    with pytest.raises(ConfigurationError, match=rf"LLMOPS_SCHEMAS_DIR={target}"):
        find_schemas_dir()


def test_schemas_dir_defaults_to_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LLMOPS_SCHEMAS_DIR", raising=False)
    assert find_schemas_dir().resolve() == REPO_SCHEMAS.resolve()
    assert "request" in SchemaStore.load().names()
