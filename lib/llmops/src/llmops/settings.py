"""Settings base shared by every service: typed, read once, validated at start-up.

Only entry points build settings (from the environment); libraries take arguments.
Each service subclasses :class:`ServiceSettings` with its own env prefix, e.g.
``GATEWAY_KAFKA_BOOTSTRAP``. Required fields have no default, so a missing endpoint
crashes at start-up with a message naming the variable.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar, Self, TypeVar

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from llmops.errors import ConfigurationError


class Environment(StrEnum):
    """Where the service runs; development defaults are accepted only in ``local``."""

    LOCAL = "local"
    PRODUCTION = "production"


class ServiceSettings(BaseSettings):
    """Fields every service has.

    Attributes:
        environment: ``local`` accepts development secrets; anything else refuses them.
        kafka_bootstrap: Comma-separated ``host:port`` list of Kafka brokers.
        http_host: Address of the service's HTTP server (metrics, health, API).
        http_port: Port of the service's HTTP server.
        log_level: Python logging level name.
        service_version: Reported in logs, metrics and audit records.
        consumer_lag_interval_s: How often the consumer lag gauge
            (``llmops_<service>_consumer_lag_messages``) is refreshed from the broker.
        empty_fetch_pause_ms: How long a consumer waits after a fetch that brought no
            records before fetching again (:mod:`llmops.fetch_pause`): what a Kafka broker's
            long poll does, for brokers that answer empty fetches at once (the local
            noida-db). The most it adds to latency, and only after an idle moment; 0 = off.
        group_instance_id: Static consumer-group membership id of a faust service (e.g. the
            pod name of a StatefulSet): a restarted worker takes its partitions back at once
            instead of waiting for its dead predecessor's session to expire, and several
            workers of one group each keep their own partitions (unset: dynamic membership).
        faust_direct_delivery: A faust service's consumer hands a fetched message to its
            stream without faust's per-message task race when nothing has to wait
            (:mod:`llmops.faust_consumer`), and its polls share their budget evenly across
            partitions (:mod:`llmops.balanced_fetch`); false keeps faust's own consumer.
    """

    model_config = SettingsConfigDict(extra="ignore", frozen=True)
    service_name: ClassVar[str] = "service"

    environment: Environment = Environment.PRODUCTION
    kafka_bootstrap: str
    http_host: str = "127.0.0.1"
    http_port: int
    log_level: str = "INFO"
    service_version: str = "0.1.0"
    consumer_lag_interval_s: float = Field(default=5.0, gt=0)
    empty_fetch_pause_ms: float = Field(default=3.0, ge=0.0, le=100.0)
    group_instance_id: str | None = None
    faust_direct_delivery: bool = True

    @model_validator(mode="after")
    def _refuse_dev_secrets(self) -> Self:
        """Refuse any secret still equal to its development default outside local use."""
        if self.environment is Environment.LOCAL:
            return self
        for name, field in type(self).model_fields.items():
            value = getattr(self, name)
            default = field.default
            if isinstance(value, SecretStr) and isinstance(default, SecretStr):  # noqa: SIM102
                if value.get_secret_value() == default.get_secret_value():
                    prefix = self.model_config.get("env_prefix", "")
                    raise ValueError(
                        f"{prefix}{name.upper()} is the development default, which is refused when "
                        f"environment={self.environment.value}: set a real secret"
                    )
        return self

    @property
    def bootstrap_servers(self) -> list[str]:
        """The broker list as ``host:port`` strings."""
        return [s.strip() for s in self.kafka_bootstrap.split(",") if s.strip()]


S = TypeVar("S", bound=ServiceSettings)


def load_settings(cls: type[S], **overrides: Any) -> S:
    """Build settings from the environment, turning validation errors into a clear message.

    Raises:
        ConfigurationError: Naming every missing or invalid variable.
    """
    try:
        return cls(**overrides)
    except ValidationError as exc:
        prefix = cls.model_config.get("env_prefix", "")
        problems = "; ".join(_describe(prefix, err) for err in exc.errors())
        raise ConfigurationError(f"invalid {cls.service_name} configuration: {problems}") from exc


def _describe(prefix: str, error: Any) -> str:
    location = "".join(str(part) for part in error.get("loc", ()))
    variable = f"{prefix}{location.upper()}" if location else "settings"
    message = str(error.get("msg", "invalid"))
    if error.get("type") == "missing":
        return f"{variable} is required"
    return f"{variable}: {message}"
