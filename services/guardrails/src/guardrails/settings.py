"""Settings of the guardrails service (env prefix ``GUARDRAILS_``)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from llmops.settings import ServiceSettings


class GuardrailsSettings(ServiceSettings):
    """Guardrails settings.

    Attributes:
        policy_file: The per-tenant policy (YAML); the packaged default policy when unset.
            Its ``version`` is recorded on every response. A bad file stops start-up.
        concurrency: Events processed concurrently per worker (overlaps produce round trips).
        producer_linger_ms: How long the producer may wait to batch responses. 0 (the default)
            sends each at once for the lowest latency; 1-5 ms batches under load and raises
            throughput at that cost in latency.
    """

    model_config = SettingsConfigDict(env_prefix="GUARDRAILS_", extra="ignore", frozen=True)
    service_name: ClassVar[str] = "guardrails"

    http_port: int = 8082
    policy_file: Path | None = None
    concurrency: int = 16
    producer_linger_ms: float = Field(default=0.0, ge=0.0, le=100.0)
