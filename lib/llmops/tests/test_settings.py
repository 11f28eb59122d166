"""ServiceSettings: required variables, dev secrets refused outside local, broker list parsing."""

from __future__ import annotations

from typing import ClassVar

import pytest
from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from llmops.errors import ConfigurationError
from llmops.settings import Environment, ServiceSettings, load_settings

DEV_SECRET = "dev-only-signing-key"


class TestServiceSettings(ServiceSettings):
    """Settings of a made-up service, the way each real service declares its own."""

    __test__ = False  # not a test class, despite the name pytest looks for
    model_config = SettingsConfigDict(env_prefix="TESTSVC_")
    service_name: ClassVar[str] = "testsvc"

    signing_key: SecretStr = SecretStr(DEV_SECRET)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ENVIRONMENT", "KAFKA_BOOTSTRAP", "HTTP_PORT", "HTTP_HOST", "SIGNING_KEY", "LOG_LEVEL"):
        monkeypatch.delenv(f"TESTSVC_{name}", raising=False)


@pytest.fixture
def required_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TESTSVC_KAFKA_BOOTSTRAP", "kafka-0:9092")
    monkeypatch.setenv("TESTSVC_HTTP_PORT", "8081")


@pytest.mark.parametrize(
    ("present", "missing"),
    [
        ({}, ["TESTSVC_KAFKA_BOOTSTRAP", "TESTSVC_HTTP_PORT"]),
        ({"TESTSVC_HTTP_PORT": "8081"}, ["TESTSVC_KAFKA_BOOTSTRAP"]),
        ({"TESTSVC_KAFKA_BOOTSTRAP": "k:9092"}, ["TESTSVC_HTTP_PORT"]),
    ],
)
def test_missing_required_variable_is_named(
    monkeypatch: pytest.MonkeyPatch, present: dict[str, str], missing: list[str]
) -> None:
    for name, value in present.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match="invalid testsvc configuration") as caught:
        load_settings(TestServiceSettings, environment="local")
    for name in missing:
        assert f"{name} is required" in str(caught.value)
    for name in present:
        assert name not in str(caught.value)


def test_unprefixed_variable_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP", "wrong:9092")
    monkeypatch.setenv("TESTSVC_HTTP_PORT", "8081")
    with pytest.raises(ConfigurationError, match="TESTSVC_KAFKA_BOOTSTRAP is required"):
        load_settings(TestServiceSettings, environment="local")


@pytest.mark.usefixtures("required_env")
def test_invalid_value_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TESTSVC_HTTP_PORT", "eighty")
    monkeypatch.setenv("TESTSVC_ENVIRONMENT", "local")
    with pytest.raises(ConfigurationError, match="TESTSVC_HTTP_PORT: "):
        load_settings(TestServiceSettings)


@pytest.mark.usefixtures("required_env")
@pytest.mark.parametrize(
    ("environment", "secret", "accepted"),
    [
        ("production", None, False),
        ("production", DEV_SECRET, False),
        ("production", "a-real-secret-from-the-vault", True),
        ("local", None, True),
        ("local", DEV_SECRET, True),
        ("local", "a-real-secret-from-the-vault", True),
        (None, None, False),  # the default environment is production
    ],
)
def test_development_secret_is_refused_outside_local(
    monkeypatch: pytest.MonkeyPatch, environment: str | None, secret: str | None, accepted: bool
) -> None:
    if environment is not None:
        monkeypatch.setenv("TESTSVC_ENVIRONMENT", environment)
    if secret is not None:
        monkeypatch.setenv("TESTSVC_SIGNING_KEY", secret)
    if accepted:
        settings = load_settings(TestServiceSettings)
        assert settings.signing_key.get_secret_value() == (secret or DEV_SECRET)
        assert settings.environment is Environment(environment or "production")
    else:
        with pytest.raises(
            ConfigurationError, match="TESTSVC_SIGNING_KEY is the development default"
        ) as caught:
            load_settings(TestServiceSettings)
        assert DEV_SECRET not in str(caught.value), "the message must not print the secret"


@pytest.mark.usefixtures("required_env")
def test_secret_is_not_shown_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TESTSVC_SIGNING_KEY", "top-secret-value")
    settings = load_settings(TestServiceSettings)
    assert "top-secret-value" not in repr(settings)


@pytest.mark.usefixtures("required_env")
@pytest.mark.parametrize(
    ("bootstrap", "servers"),
    [
        ("kafka-0:9092", ["kafka-0:9092"]),
        ("a:1,b:2,c:3", ["a:1", "b:2", "c:3"]),
        (" a:1 , b:2 ,", ["a:1", "b:2"]),
        ("a:1,,b:2", ["a:1", "b:2"]),
    ],
)
def test_bootstrap_servers(monkeypatch: pytest.MonkeyPatch, bootstrap: str, servers: list[str]) -> None:
    monkeypatch.setenv("TESTSVC_KAFKA_BOOTSTRAP", bootstrap)
    assert load_settings(TestServiceSettings, environment="local").bootstrap_servers == servers


@pytest.mark.usefixtures("required_env")
def test_overrides_win_over_environment_and_settings_are_frozen() -> None:
    settings = load_settings(TestServiceSettings, environment="local", http_port=9999)
    assert settings.http_port == 9999
    assert settings.kafka_bootstrap == "kafka-0:9092"
    with pytest.raises(ValueError, match="frozen"):
        settings.http_port = 1


@pytest.mark.parametrize(("instance_id", "expected"), [(None, None), ("drift-0", "drift-0")])
def test_every_faust_service_can_use_static_membership(instance_id: str | None, expected: str | None) -> None:
    """``<PREFIX>_GROUP_INSTANCE_ID`` reaches the faust app of any service (unset: dynamic membership)."""
    from llmops.faust_app import create_faust_app

    settings = ServiceSettings(kafka_bootstrap="kafka-0:9092", http_port=8081, group_instance_id=instance_id)
    app = create_faust_app("testsvc", settings)

    assert app.conf.consumer_group_instance_id == expected
