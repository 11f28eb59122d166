"""AuditSettings: the Kafka and Elasticsearch addresses are required and named when missing."""

from __future__ import annotations

import pytest

from audit.settings import AuditSettings
from llmops.errors import ConfigurationError
from llmops.settings import load_settings


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in AuditSettings.model_fields:
        monkeypatch.delenv(f"AUDIT_{name.upper()}", raising=False)


@pytest.mark.parametrize(
    ("present", "missing"),
    [
        ({}, ["AUDIT_KAFKA_BOOTSTRAP", "AUDIT_ELASTICSEARCH_URL"]),
        ({"AUDIT_KAFKA_BOOTSTRAP": "kafka-0:9092"}, ["AUDIT_ELASTICSEARCH_URL"]),
        ({"AUDIT_ELASTICSEARCH_URL": "http://es-0:9200"}, ["AUDIT_KAFKA_BOOTSTRAP"]),
    ],
)
def test_missing_required_variable_is_named(
    monkeypatch: pytest.MonkeyPatch, present: dict[str, str], missing: list[str]
) -> None:
    monkeypatch.setenv("AUDIT_ENVIRONMENT", "local")
    for name, value in present.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(ConfigurationError, match="invalid audit configuration") as caught:
        load_settings(AuditSettings)

    for name in missing:
        assert f"{name} is required" in str(caught.value)
    for name in present:
        assert name not in str(caught.value)


def test_values_are_read_from_prefixed_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDIT_KAFKA_BOOTSTRAP", "kafka-0:9092")
    monkeypatch.setenv("AUDIT_ELASTICSEARCH_URL", "http://es-0:9200")
    monkeypatch.setenv("AUDIT_INDEX", "audit-2025")
    monkeypatch.setenv("AUDIT_RETENTION_DAYS", "365")
    monkeypatch.setenv("AUDIT_JOIN_TIMEOUT_S", "30")
    monkeypatch.setenv("AUDIT_USER_HASH_KEY", "a-real-secret")

    settings = load_settings(AuditSettings)

    assert (settings.elasticsearch_url, settings.index) == ("http://es-0:9200", "audit-2025")
    assert (settings.retention_days, settings.join_timeout_s) == (365, 30.0)
    assert settings.user_hash_key.get_secret_value() == "a-real-secret"


def test_development_user_hash_key_is_refused_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDIT_KAFKA_BOOTSTRAP", "kafka-0:9092")
    monkeypatch.setenv("AUDIT_ELASTICSEARCH_URL", "http://es-0:9200")

    with pytest.raises(ConfigurationError, match="AUDIT_USER_HASH_KEY is the development default"):
        load_settings(AuditSettings)
