"""A :class:`~inference.catalog.ModelCatalog` read from a versioned YAML file.

The file is the deployable record of which model versions run where; it is reviewed
and versioned like code. Endpoints may name settings as ``${NAME}`` placeholders
(``${TGI_URL}``), filled in from the service's settings, so one file serves every
environment. Every mistake is a :class:`~llmops.errors.ConfigurationError` at start-up,
naming the alias and field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from inference.catalog import BackendKind, ModelAlias, ModelVersion
from llmops.errors import ConfigurationError

_PLACEHOLDER = re.compile(r"\$\{([A-Z0-9_]+)\}")
DEFAULT_CATALOG = Path(__file__).with_name("catalog.yaml")


@dataclass(frozen=True)
class FileCatalog:
    """The catalog of one YAML file (see ``catalog.yaml`` for the format)."""

    catalog_version: str
    entries: Mapping[str, ModelAlias]

    def alias(self, name: str) -> ModelAlias | None:
        """The alias called ``name``, or ``None``."""
        return self.entries.get(name)

    def aliases(self) -> Sequence[str]:
        """Every alias, in file order."""
        return list(self.entries)

    def versions(self) -> Sequence[ModelVersion]:
        """Every version of every alias."""
        return [v for entry in self.entries.values() for v in entry.versions]


def load_catalog(path: Path, endpoints: Mapping[str, str | None]) -> FileCatalog:
    """Read and check the catalog at ``path``.

    Args:
        path: The YAML file.
        endpoints: Values of the ``${NAME}`` placeholders endpoints may use.

    Raises:
        ConfigurationError: Unreadable file, unknown field, missing value, unknown
            placeholder, a fallback alias that does not exist, or an alias without traffic.
    """
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigurationError(f"cannot read model catalog {path}: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("aliases"), dict):
        raise ConfigurationError(
            f"model catalog {path}: expected a mapping with 'catalog_version' and 'aliases'"
        )
    entries = {name: _alias(str(name), spec, endpoints) for name, spec in document["aliases"].items()}
    for entry in entries.values():
        if entry.fallback is not None and entry.fallback not in entries:
            raise ConfigurationError(
                f"model catalog: {entry.name}: fallback {entry.fallback!r} is not an alias"
            )
    return FileCatalog(str(document.get("catalog_version", "0")), entries)


def _alias(name: str, spec: Any, endpoints: Mapping[str, str | None]) -> ModelAlias:
    if not isinstance(spec, dict) or not isinstance(spec.get("versions"), list) or not spec["versions"]:
        raise ConfigurationError(f"model catalog: {name}: needs a non-empty 'versions' list")
    versions = [_version(name, item, endpoints) for item in spec["versions"]]
    if sum(v.weight for v in versions) <= 0:
        raise ConfigurationError(f"model catalog: {name}: the weights of its versions sum to 0")
    fallback = spec.get("fallback")
    return ModelAlias(name, versions, str(fallback) if fallback is not None else None)


_FIELDS = {
    "version": str,
    "model_id": str,
    "revision": str,
    "endpoint": str,
    "backend": str,
    "weight": float,
    "canary": bool,
    "input_price_per_1k": float,
    "output_price_per_1k": float,
    "max_input_tokens": int,
    "max_output_tokens": int,
    "max_in_flight": int,
}
_DEFAULTS: dict[str, Any] = {"weight": 100.0, "canary": False, "revision": "main", "max_in_flight": 64}


def _version(alias: str, item: Any, endpoints: Mapping[str, str | None]) -> ModelVersion:
    where = f"model catalog: {alias}"
    if not isinstance(item, dict):
        raise ConfigurationError(f"{where}: each version must be a mapping")
    where = f"{where} version {item.get('version')!r}"
    unknown = sorted(set(item) - set(_FIELDS))
    missing = sorted(set(_FIELDS) - set(item) - set(_DEFAULTS))
    if unknown or missing:
        raise ConfigurationError(f"{where}: unknown fields {unknown}, missing fields {missing}")
    values = {
        key: _typed(where, key, item.get(key, _DEFAULTS.get(key)), kind) for key, kind in _FIELDS.items()
    }
    values["endpoint"] = _expand(where, values["endpoint"], endpoints).rstrip("/")
    try:
        values["backend"] = BackendKind(values["backend"])
    except ValueError as exc:
        raise ConfigurationError(f"{where}: backend must be one of {[k.value for k in BackendKind]}") from exc
    if values["weight"] < 0 or values["max_in_flight"] < 1 or values["max_output_tokens"] < 1:
        raise ConfigurationError(f"{where}: weight must be >= 0, max_in_flight and max_output_tokens >= 1")
    return ModelVersion(alias=alias, **values)


def _typed(where: str, key: str, value: Any, kind: type) -> Any:
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if kind is str and isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, kind) and (kind is bool or not isinstance(value, bool)):
        return value
    raise ConfigurationError(f"{where}: {key} must be a {kind.__name__}, got {value!r}")


def _expand(where: str, endpoint: str, endpoints: Mapping[str, str | None]) -> str:
    def fill(match: re.Match[str]) -> str:
        value = endpoints.get(match.group(1))
        if not value:
            name = match.group(1)
            raise ConfigurationError(
                f"{where}: endpoint placeholder ${{{name}}} has no value (set INFERENCE_{name})"
            )
        return value

    return _PLACEHOLDER.sub(fill, endpoint)
