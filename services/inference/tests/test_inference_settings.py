"""InferenceSettings: the Kafka and model-server addresses are required and named when missing."""

from __future__ import annotations

import pytest

from inference.settings import InferenceSettings
from llmops.errors import ConfigurationError
from llmops.settings import load_settings


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in InferenceSettings.model_fields:
        monkeypatch.delenv(f"INFERENCE_{name.upper()}", raising=False)


@pytest.mark.parametrize(
    ("present", "missing"),
    [
        ({}, ["INFERENCE_KAFKA_BOOTSTRAP", "INFERENCE_TGI_URL"]),
        ({"INFERENCE_KAFKA_BOOTSTRAP": "kafka-0:9092"}, ["INFERENCE_TGI_URL"]),
        ({"INFERENCE_TGI_URL": "http://tgi-0:8080"}, ["INFERENCE_KAFKA_BOOTSTRAP"]),
    ],
)
def test_missing_required_variable_is_named(
    monkeypatch: pytest.MonkeyPatch, present: dict[str, str], missing: list[str]
) -> None:
    for name, value in present.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(ConfigurationError, match="invalid inference configuration") as caught:
        load_settings(InferenceSettings)

    for name in missing:
        assert f"{name} is required" in str(caught.value)
    for name in present:
        assert name not in str(caught.value)


def test_values_are_read_from_prefixed_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFERENCE_KAFKA_BOOTSTRAP", "kafka-0:9092")
    monkeypatch.setenv("INFERENCE_TGI_URL", "http://tgi-0:8080")
    monkeypatch.setenv("INFERENCE_MAX_IN_FLIGHT", "8")
    monkeypatch.setenv("INFERENCE_REQUEST_TIMEOUT_S", "2.5")
    monkeypatch.setenv("INFERENCE_CATALOG_PATH", "/etc/llmops/catalog.yaml")
    monkeypatch.setenv("INFERENCE_BREAKER_ERROR_RATE", "0.25")

    settings = load_settings(InferenceSettings)

    assert settings.tgi_url == "http://tgi-0:8080"
    assert settings.max_in_flight == 8
    assert settings.request_timeout_s == 2.5
    assert str(settings.catalog_path) == "/etc/llmops/catalog.yaml"
    assert settings.breaker_error_rate == 0.25
    assert settings.fallback_url is None


def test_invalid_timeout_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFERENCE_KAFKA_BOOTSTRAP", "kafka-0:9092")
    monkeypatch.setenv("INFERENCE_TGI_URL", "http://tgi-0:8080")
    monkeypatch.setenv("INFERENCE_REQUEST_TIMEOUT_S", "soon")

    with pytest.raises(ConfigurationError, match="INFERENCE_REQUEST_TIMEOUT_S: "):
        load_settings(InferenceSettings)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("INFERENCE_BREAKER_ERROR_RATE", "1.5"),
        ("INFERENCE_RETRY_ATTEMPTS", "0"),
        ("INFERENCE_MAX_IN_FLIGHT", "0"),
    ],
)
def test_out_of_range_resilience_settings_are_named(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv("INFERENCE_KAFKA_BOOTSTRAP", "kafka-0:9092")
    monkeypatch.setenv("INFERENCE_TGI_URL", "http://tgi-0:8080")
    monkeypatch.setenv(name, value)

    with pytest.raises(ConfigurationError, match=name):
        load_settings(InferenceSettings)
