"""Avro schemas from ``schemas/``, indexed by name, version and fingerprint.

File names follow ``<name>.v<N>.avsc``. Every version of every schema is loaded so
that a reader can resolve any writer schema by its CRC-64-AVRO fingerprint, which is
what lets old and new event versions coexist on one topic.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastavro
import fastavro.schema
import orjson

from llmops.errors import ConfigurationError

_FILE_NAME = re.compile(r"^(?P<name>[a-z][a-z0-9_]*)\.v(?P<version>[1-9][0-9]*)\.avsc$")


@dataclass(frozen=True)
class SchemaVersion:
    """One parsed version of a schema.

    Attributes:
        name: Schema name from the file name, e.g. ``request``.
        version: Version number from the file name.
        parsed: The schema as parsed by fastavro, used on the wire. Logical types are
            stripped so timestamps stay integers of epoch milliseconds in Python (no
            datetime conversion on the hot path); the fingerprint is unaffected because
            the parsing canonical form drops logical types anyway.
        declared: The schema as written in the file, logical types included.
        fingerprint: CRC-64-AVRO fingerprint of the parsing canonical form, as the
            8 little-endian bytes used by the single-object encoding.
        path: File it was read from.
    """

    name: str
    version: int
    parsed: Any
    declared: Any
    fingerprint: bytes
    path: Path


def find_schemas_dir() -> Path:
    """Locate the schema directory.

    ``LLMOPS_SCHEMAS_DIR`` wins (container images set it); otherwise the repository's
    ``schemas/`` is found by walking up from this file, which covers source checkouts
    and the workspace's editable installs.

    Raises:
        ConfigurationError: When no directory with ``.avsc`` files is found.
    """
    override = os.environ.get("LLMOPS_SCHEMAS_DIR")
    if override:
        path = Path(override)
        if not any(path.glob("*.avsc")):
            raise ConfigurationError(f"LLMOPS_SCHEMAS_DIR={override} holds no .avsc files")
        return path
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "schemas"
        if any(candidate.glob("*.avsc")):
            return candidate
    raise ConfigurationError("no schemas/ directory found: set LLMOPS_SCHEMAS_DIR")


def fingerprint_of(parsed: Any) -> bytes:
    """Return the 8-byte little-endian CRC-64-AVRO fingerprint of a parsed schema.

    fastavro's hex digest already lists the bytes in little-endian order (as the Avro
    specification's single-object encoding writes them), so it is decoded as is.
    """
    canonical = fastavro.schema.to_parsing_canonical_form(parsed)
    hex_digest: str = fastavro.schema.fingerprint(canonical, "CRC-64-AVRO")
    return bytes.fromhex(hex_digest)


def _load_file(path: Path) -> SchemaVersion:
    match = _FILE_NAME.match(path.name)
    if match is None:
        raise ConfigurationError(f"{path}: schema files must be named <name>.v<N>.avsc")
    try:
        declared = orjson.loads(path.read_bytes())
        if not isinstance(declared, dict) or declared.get("type") != "record" or "name" not in declared:
            raise ValueError("the top level must be a named record")
        parsed = fastavro.parse_schema(_without_logical_types(declared), _force=True)
        fastavro.parse_schema(declared, _force=True)
    except (ValueError, TypeError, KeyError, fastavro.schema.SchemaParseException) as exc:
        raise ConfigurationError(f"{path}: invalid Avro schema: {exc}") from exc
    return SchemaVersion(match["name"], int(match["version"]), parsed, declared, fingerprint_of(parsed), path)


def _without_logical_types(node: Any) -> Any:
    """Return a copy of a schema JSON tree with every ``logicalType`` removed."""
    if isinstance(node, dict):
        return {k: _without_logical_types(v) for k, v in node.items() if k != "logicalType"}
    if isinstance(node, list):
        return [_without_logical_types(v) for v in node]
    return node


class SchemaStore:
    """All schema versions of a directory, by (name, version) and by fingerprint."""

    def __init__(self, versions: list[SchemaVersion]) -> None:
        self._by_key: dict[tuple[str, int], SchemaVersion] = {}
        for v in versions:
            clash = self._by_key.get((v.name, v.version))
            if clash is not None:
                raise ConfigurationError(f"{v.path} and {clash.path} both define {v.name}.v{v.version}")
            self._by_key[(v.name, v.version)] = v
        self._by_fingerprint = {v.fingerprint: v for v in versions}
        self._latest: dict[str, int] = {}
        for name, version in self._by_key:
            self._latest[name] = max(version, self._latest.get(name, version))

    @classmethod
    def load(cls, directory: Path | None = None) -> SchemaStore:
        """Parse every ``*.avsc`` file of ``directory`` (default: :func:`find_schemas_dir`)."""
        root = directory or find_schemas_dir()
        return cls([_load_file(p) for p in sorted(root.glob("*.avsc"))])

    def get(self, name: str, version: int | None = None) -> SchemaVersion:
        """Return one version of a schema, the latest when ``version`` is None."""
        if version is None:
            version = self.latest_version(name)
        try:
            return self._by_key[(name, version)]
        except KeyError:
            raise ConfigurationError(f"schema {name}.v{version} not found") from None

    def latest_version(self, name: str) -> int:
        """Return the highest version number of a schema."""
        try:
            return self._latest[name]
        except KeyError:
            raise ConfigurationError(f"no schema named {name}") from None

    def by_fingerprint(self, fingerprint: bytes) -> SchemaVersion | None:
        """Return the schema version with this fingerprint, or None if unknown."""
        return self._by_fingerprint.get(fingerprint)

    def names(self) -> set[str]:
        """Return every schema name in the store."""
        return {n for (n, _) in self._by_key}

    def versions(self) -> list[SchemaVersion]:
        """Return every loaded schema version."""
        return list(self._by_key.values())
