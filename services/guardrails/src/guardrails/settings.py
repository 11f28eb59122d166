"""Settings of the guardrails service (env prefix ``GUARDRAILS_``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from llmops.settings import ServiceSettings


class GuardrailsSettings(ServiceSettings):
    """Guardrails settings.

    Attributes:
        policy_version: Version of the policy applied, recorded on every response.
        concurrency: Events processed concurrently per worker (overlaps produce round trips).
    """

    model_config = SettingsConfigDict(env_prefix="GUARDRAILS_", extra="ignore", frozen=True)
    service_name: ClassVar[str] = "guardrails"

    http_port: int = 8082
    policy_version: str = "skeleton-1"
    concurrency: int = 16
