"""DriftSettings: the Kafka address is required and named when missing."""

from __future__ import annotations

import pytest

from drift.settings import DriftSettings
from llmops.errors import ConfigurationError
from llmops.settings import load_settings


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in DriftSettings.model_fields:
        monkeypatch.delenv(f"DRIFT_{name.upper()}", raising=False)


def test_missing_kafka_bootstrap_is_named() -> None:
    with pytest.raises(ConfigurationError, match="DRIFT_KAFKA_BOOTSTRAP is required"):
        load_settings(DriftSettings)


def test_values_are_read_from_prefixed_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRIFT_KAFKA_BOOTSTRAP", "kafka-0:9092")
    monkeypatch.setenv("DRIFT_REDIS_URL", "redis://redis:6379/2")
    monkeypatch.setenv("DRIFT_HTTP_PORT", "9183")

    settings = load_settings(DriftSettings)

    assert settings.redis_url == "redis://redis:6379/2"
    assert settings.http_port == 9183


def test_invalid_port_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRIFT_KAFKA_BOOTSTRAP", "kafka-0:9092")
    monkeypatch.setenv("DRIFT_REDIS_URL", "redis://redis:6379/2")
    monkeypatch.setenv("DRIFT_HTTP_PORT", "eighty-eighty")

    with pytest.raises(ConfigurationError, match="DRIFT_HTTP_PORT: "):
        load_settings(DriftSettings)


def test_redis_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRIFT_KAFKA_BOOTSTRAP", "kafka-0:9092")

    with pytest.raises(ConfigurationError, match="DRIFT_REDIS_URL is required"):
        load_settings(DriftSettings)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DRIFT_FALSE_ALARM_RATE", "1.5", "DRIFT_FALSE_ALARM_RATE"),
        ("DRIFT_EMBEDDING", "word2vec", "DRIFT_EMBEDDING"),
        ("DRIFT_MIN_SAMPLES", "1", "DRIFT_MIN_SAMPLES"),
        ("DRIFT_BASELINE_MODE", "sometimes", "DRIFT_BASELINE_MODE"),
    ],
)
def test_invalid_detection_settings_are_named(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv("DRIFT_KAFKA_BOOTSTRAP", "kafka-0:9092")
    monkeypatch.setenv("DRIFT_REDIS_URL", "redis://redis:6379/2")
    monkeypatch.setenv(variable, value)

    with pytest.raises(ConfigurationError, match=message):
        load_settings(DriftSettings)


def test_fixed_thresholds_are_read_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRIFT_KAFKA_BOOTSTRAP", "kafka-0:9092")
    monkeypatch.setenv("DRIFT_REDIS_URL", "redis://redis:6379/2")
    monkeypatch.setenv("DRIFT_THRESHOLDS", '{"psi": 0.2, "ks": 0.1}')

    assert load_settings(DriftSettings).thresholds == {"psi": 0.2, "ks": 0.1}
