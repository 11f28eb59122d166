"""Every file in ``schemas/`` is a valid, fully documented Avro schema with a versioned name."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fastavro
import fastavro.schema
import pytest

SCHEMAS_DIR = Path(__file__).resolve().parents[2] / "schemas"
SCHEMA_FILES = sorted(SCHEMAS_DIR.glob("*.avsc"))
FILE_NAME = re.compile(r"^[a-z][a-z0-9_]*\.v[1-9][0-9]*\.avsc$")
PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def undocumented(node: Any, where: str) -> Iterator[str]:
    """Yield the path of every record or field, at any depth, that has no non-empty ``doc``."""
    if isinstance(node, list):  # a union
        for index, branch in enumerate(node):
            yield from undocumented(branch, f"{where}|{index}")
    elif isinstance(node, dict):
        kind = node.get("type")
        if kind == "record":
            here = f"{where}<{node.get('name')}>"
            if not _has_doc(node):
                yield here
            for field in node.get("fields", []):
                field_path = f"{here}.{field.get('name')}"
                if not _has_doc(field):
                    yield field_path
                yield from undocumented(field.get("type"), field_path)
        elif kind == "array":
            yield from undocumented(node.get("items"), f"{where}[]")
        elif kind == "map":
            yield from undocumented(node.get("values"), f"{where}{{}}")
        elif isinstance(kind, dict | list):
            yield from undocumented(kind, where)


def _full_name(parsed: Any) -> str:
    return str(parsed["name"])


def _has_doc(node: dict[str, Any]) -> bool:
    doc = node.get("doc")
    return isinstance(doc, str) and doc.strip() != ""


def test_schemas_directory_is_not_empty() -> None:
    assert SCHEMA_FILES, f"no .avsc files in {SCHEMAS_DIR}"


def test_directory_holds_only_avsc_schema_files() -> None:
    strays = [p.name for p in SCHEMAS_DIR.iterdir() if p.is_file() and p.suffix != ".avsc"]
    assert strays == [], f"files in schemas/ the schema store would ignore: {strays}"


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_file_is_named_name_dot_version(path: Path) -> None:
    assert FILE_NAME.match(path.name), f"{path.name} must be named <name>.v<N>.avsc (N >= 1, no leading 0)"


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_file_parses_with_fastavro(path: Path) -> None:
    parsed: Any = fastavro.parse_schema(_load(path))
    assert parsed["type"] == "record", "every topic carries a record"
    assert fastavro.schema.to_parsing_canonical_form(parsed)


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_every_record_and_field_is_documented(path: Path) -> None:
    missing = list(undocumented(_load(path), path.name))
    assert missing == [], f"records or fields without a doc: {missing}"


def test_schema_versions_are_contiguous_from_one() -> None:
    versions: dict[str, list[int]] = {}
    for path in SCHEMA_FILES:
        name, version, _ = path.name.rsplit(".", 2)
        versions.setdefault(name, []).append(int(version.removeprefix("v")))
    gaps = {name: sorted(vs) for name, vs in versions.items() if sorted(vs) != list(range(1, len(vs) + 1))}
    assert gaps == {}, f"schema versions must run 1..N without gaps: {gaps}"


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_versions_of_one_schema_share_the_record_full_name(path: Path) -> None:
    """Avro resolution matches records by full name: a renamed record breaks old readers."""
    name = path.name.split(".", 1)[0]
    siblings = sorted(SCHEMAS_DIR.glob(f"{name}.v*.avsc"))
    full_names = {_full_name(fastavro.parse_schema(_load(p))) for p in siblings}
    assert len(full_names) == 1, f"versions of {name} use different record names: {full_names}"


# The checker above must itself catch what it is meant to catch.
@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "record", "name": "R", "fields": []}, ["s<R>"]),
        ({"type": "record", "name": "R", "doc": " ", "fields": []}, ["s<R>"]),
        ({"type": "record", "name": "R", "doc": "d", "fields": [{"name": "a", "type": "int"}]}, ["s<R>.a"]),
        (
            {
                "type": "record",
                "name": "R",
                "doc": "d",
                "fields": [
                    {
                        "name": "a",
                        "doc": "d",
                        "type": {
                            "type": "array",
                            "items": {
                                "type": "record",
                                "name": "I",
                                "doc": "d",
                                "fields": [{"name": "x", "type": "int"}],
                            },
                        },
                    }
                ],
            },
            ["s<R>.a[]<I>.x"],
        ),
        (
            {
                "type": "record",
                "name": "R",
                "doc": "d",
                "fields": [
                    {
                        "name": "u",
                        "doc": "d",
                        "type": [
                            "null",
                            {
                                "type": "record",
                                "name": "U",
                                "fields": [{"name": "y", "doc": "d", "type": "int"}],
                            },
                        ],
                    }
                ],
            },
            ["s<R>.u|1<U>"],
        ),
        (
            {
                "type": "record",
                "name": "R",
                "doc": "d",
                "fields": [
                    {
                        "name": "m",
                        "doc": "d",
                        "type": {
                            "type": "map",
                            "values": {
                                "type": "record",
                                "name": "V",
                                "doc": "d",
                                "fields": [{"name": "z", "doc": "", "type": "int"}],
                            },
                        },
                    }
                ],
            },
            ["s<R>.m{}<V>.z"],
        ),
        (
            {"type": "record", "name": "R", "doc": "d", "fields": [{"name": "a", "doc": "d", "type": "int"}]},
            [],
        ),
    ],
    ids=["record", "blank-record-doc", "field", "record-in-array", "record-in-union", "record-in-map", "ok"],
)
def test_doc_checker_finds_undocumented_nodes(schema: dict[str, Any], expected: list[str]) -> None:
    assert list(undocumented(schema, "s")) == expected
