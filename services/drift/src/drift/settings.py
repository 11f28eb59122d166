"""Settings of the drift service (env prefix ``DRIFT_``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from llmops.settings import ServiceSettings


class DriftSettings(ServiceSettings):
    """Drift settings.

    Attributes:
        redis_url: Redis holding reference baselines.
    """

    model_config = SettingsConfigDict(env_prefix="DRIFT_", extra="ignore", frozen=True)
    service_name: ClassVar[str] = "drift"

    http_port: int = 8083
    redis_url: str | None = None
