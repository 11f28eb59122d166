"""GatewaySettings: required addresses named when missing, the dev JWT secret refused in production."""

from __future__ import annotations

import pytest

from gateway.settings import GatewaySettings
from llmops.dev_tokens import DEV_SECRET
from llmops.errors import ConfigurationError
from llmops.settings import Environment, load_settings


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in GatewaySettings.model_fields:
        monkeypatch.delenv(f"GATEWAY_{name.upper()}", raising=False)


@pytest.fixture
def required_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_KAFKA_BOOTSTRAP", "kafka-0:9092")
    monkeypatch.setenv("GATEWAY_REDIS_URL", "redis://redis:6379/0")


@pytest.mark.parametrize(
    ("present", "missing"),
    [
        ({}, ["GATEWAY_KAFKA_BOOTSTRAP", "GATEWAY_REDIS_URL"]),
        ({"GATEWAY_KAFKA_BOOTSTRAP": "kafka-0:9092"}, ["GATEWAY_REDIS_URL"]),
        ({"GATEWAY_REDIS_URL": "redis://redis:6379/0"}, ["GATEWAY_KAFKA_BOOTSTRAP"]),
    ],
)
def test_missing_required_variable_is_named(
    monkeypatch: pytest.MonkeyPatch, present: dict[str, str], missing: list[str]
) -> None:
    for name, value in present.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(ConfigurationError, match="invalid gateway configuration") as caught:
        load_settings(GatewaySettings, environment=Environment.LOCAL)

    for name in missing:
        assert f"{name} is required" in str(caught.value)
    for name in present:
        assert name not in str(caught.value)


@pytest.mark.usefixtures("required_env")
@pytest.mark.parametrize("secret", [None, DEV_SECRET])
def test_dev_jwt_secret_is_refused_in_production(monkeypatch: pytest.MonkeyPatch, secret: str | None) -> None:
    monkeypatch.setenv("GATEWAY_ENVIRONMENT", "production")
    if secret is not None:
        monkeypatch.setenv("GATEWAY_JWT_SECRET", secret)

    with pytest.raises(ConfigurationError, match="GATEWAY_JWT_SECRET is the development default") as caught:
        load_settings(GatewaySettings)

    assert DEV_SECRET not in str(caught.value)


@pytest.mark.usefixtures("required_env")
def test_production_is_the_default_environment() -> None:
    with pytest.raises(ConfigurationError, match="GATEWAY_JWT_SECRET"):
        load_settings(GatewaySettings)


@pytest.mark.usefixtures("required_env")
def test_real_secret_is_accepted_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_ENVIRONMENT", "production")
    monkeypatch.setenv("GATEWAY_JWT_SECRET", "a-real-secret-from-the-vault-0123456789")

    settings = load_settings(GatewaySettings)

    assert settings.jwt_secret.get_secret_value() == "a-real-secret-from-the-vault-0123456789"
    assert "a-real-secret-from-the-vault" not in repr(settings)


@pytest.mark.usefixtures("required_env")
def test_dev_secret_is_accepted_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_ENVIRONMENT", "local")

    assert load_settings(GatewaySettings).jwt_secret.get_secret_value() == DEV_SECRET


@pytest.mark.usefixtures("required_env")
def test_values_are_read_from_prefixed_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_ENVIRONMENT", "local")
    monkeypatch.setenv("GATEWAY_MODELS", '["llama-3.1-8b", "mistral-7b"]')
    monkeypatch.setenv("GATEWAY_REPLY_PARTITION", "3")
    monkeypatch.setenv("GATEWAY_REQUEST_TIMEOUT_S", "12.5")
    monkeypatch.setenv("GATEWAY_MAX_BODY_BYTES", "2048")

    settings = load_settings(GatewaySettings)

    assert settings.models == ("llama-3.1-8b", "mistral-7b")
    assert settings.reply_partition == 3
    assert settings.request_timeout_s == 12.5
    assert settings.max_body_bytes == 2048
