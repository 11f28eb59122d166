"""The model catalog file: versions, lineage, prices, placeholders, and clear errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from inference.catalog import BackendKind
from inference.catalog_file import DEFAULT_CATALOG, load_catalog
from llmops.errors import ConfigurationError


def _spec(endpoint: str, **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "version": "1",
        "model_id": "m",
        "revision": "r",
        "endpoint": endpoint,
        "backend": "tgi",
        "input_price_per_1k": 0.2,
        "output_price_per_1k": 0.6,
        "max_input_tokens": 100,
        "max_output_tokens": 100,
    }
    return base | overrides


ENDPOINTS = {"TGI_URL": "http://tgi-0:8080/", "FALLBACK_URL": "http://tgi-small:8080"}


def test_shipped_catalog_serves_the_demo_alias_with_a_canary_and_a_fallback() -> None:
    catalog = load_catalog(DEFAULT_CATALOG, ENDPOINTS)

    alias = catalog.alias("llama-3.1-8b")
    assert alias is not None
    assert alias.fallback == "qwen-2.5-0.5b"
    assert [(v.version, v.canary, v.backend) for v in alias.versions] == [
        ("1", False, BackendKind.TGI),
        ("2", True, BackendKind.OPENAI),
    ]
    assert {v.endpoint for v in alias.versions} == {"http://tgi-0:8080"}
    assert catalog.alias("qwen-2.5-0.5b") is not None
    assert catalog.alias("gpt-imaginary") is None


def test_lineage_names_exactly_which_model_answered(
    write_catalog: Callable[..., Path], version_spec: Callable[..., dict[str, Any]]
) -> None:
    path = write_catalog(
        {"m": {"versions": [version_spec("${TGI_URL}", "7", backend="openai", canary=True)]}}
    )

    (version,) = load_catalog(path, ENDPOINTS).versions()

    assert version.lineage() == {
        "alias": "m",
        "version": "7",
        "model_id": "meta-llama/Llama-3.1-8B-Instruct",
        "revision": "abc123",
        "endpoint": "http://tgi-0:8080",
        "backend": "openai",
        "canary": True,
    }


@pytest.mark.parametrize(
    ("input_tokens", "output_tokens", "cost"),
    [(0, 0, 0.0), (1000, 0, 0.2), (0, 1000, 0.6), (1500, 250, 0.45)],
)
def test_cost_is_tokens_times_the_versions_prices(
    write_catalog: Callable[..., Path],
    version_spec: Callable[..., dict[str, Any]],
    input_tokens: int,
    output_tokens: int,
    cost: float,
) -> None:
    (version,) = load_catalog(write_catalog({"m": {"versions": [version_spec("http://x")]}}), {}).versions()
    assert version.cost_usd(input_tokens, output_tokens) == pytest.approx(cost)


@pytest.mark.parametrize(
    ("aliases", "message"),
    [
        ({"m": {"versions": []}}, "non-empty 'versions'"),
        ({"m": {"versions": [_spec("http://x", backend="grpc")]}}, "backend must be one of"),
        ({"m": {"versions": [_spec("http://x", colour="red")]}}, "unknown fields \\['colour'\\]"),
        ({"m": {"versions": [{"version": "1"}]}}, "missing fields"),
        ({"m": {"versions": [_spec("http://x", weight=0)]}}, "weights of its versions sum to 0"),
        ({"m": {"versions": [_spec("http://x", max_in_flight=0)]}}, "max_in_flight"),
        ({"m": {"versions": [_spec("http://x", canary="yes")]}}, "canary must be a bool"),
        ({"m": {"versions": [_spec("${NOPE}")]}}, "placeholder \\$\\{NOPE\\} has no value"),
        ({"m": {"fallback": "small", "versions": [_spec("http://x")]}}, "fallback 'small' is not an alias"),
    ],
)
def test_catalog_mistakes_are_named_at_start_up(
    write_catalog: Callable[..., Path], aliases: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        load_catalog(write_catalog(aliases), ENDPOINTS)


def test_missing_catalog_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="cannot read model catalog"):
        load_catalog(tmp_path / "absent.yaml", ENDPOINTS)
