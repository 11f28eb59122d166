"""GuardrailsSettings: the Kafka address is required and named when missing."""

from __future__ import annotations

import pytest

from guardrails.settings import GuardrailsSettings
from llmops.errors import ConfigurationError
from llmops.settings import Environment, load_settings


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in GuardrailsSettings.model_fields:
        monkeypatch.delenv(f"GUARDRAILS_{name.upper()}", raising=False)


def test_missing_kafka_bootstrap_is_named() -> None:
    with pytest.raises(ConfigurationError, match="GUARDRAILS_KAFKA_BOOTSTRAP is required"):
        load_settings(GuardrailsSettings)


def test_values_are_read_from_prefixed_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUARDRAILS_KAFKA_BOOTSTRAP", "kafka-0:9092,kafka-1:9092")
    monkeypatch.setenv("GUARDRAILS_POLICY_FILE", "/etc/llmops/policy.yaml")
    monkeypatch.setenv("GUARDRAILS_CONCURRENCY", "4")
    monkeypatch.setenv("GUARDRAILS_GROUP_INSTANCE_ID", "guardrails-0")
    monkeypatch.setenv("GUARDRAILS_EMPTY_FETCH_PAUSE_MS", "0")
    monkeypatch.setenv("POLICY_FILE", "unprefixed-is-ignored")

    settings = load_settings(GuardrailsSettings)

    assert settings.bootstrap_servers == ["kafka-0:9092", "kafka-1:9092"]
    assert str(settings.policy_file) == "/etc/llmops/policy.yaml"
    assert settings.concurrency == 4
    assert settings.group_instance_id == "guardrails-0"
    assert settings.empty_fetch_pause_ms == 0.0
    assert settings.http_port == 8082
    assert settings.environment is Environment.PRODUCTION


def test_invalid_value_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUARDRAILS_KAFKA_BOOTSTRAP", "kafka-0:9092")
    monkeypatch.setenv("GUARDRAILS_CONCURRENCY", "many")

    with pytest.raises(ConfigurationError, match="GUARDRAILS_CONCURRENCY: "):
        load_settings(GuardrailsSettings)
