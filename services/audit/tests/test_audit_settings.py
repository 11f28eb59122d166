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
    monkeypatch.setenv("AUDIT_CONCURRENCY", "2")

    settings = load_settings(AuditSettings)

    assert (settings.elasticsearch_url, settings.index, settings.concurrency) == (
        "http://es-0:9200",
        "audit-2025",
        2,
    )
