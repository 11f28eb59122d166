"""Settings of the gateway (env prefix ``GATEWAY_``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from llmops.settings import ServiceSettings


class GatewaySettings(ServiceSettings):
    """Gateway settings.

    Attributes:
        redis_url: Redis for results, quotas and rate limits.
        jwt_secret: HS256 key of locally minted tokens; the default is refused outside local use.
        jwt_issuer: Required ``iss`` claim.
        jwt_audience: Required ``aud`` claim.
        reply_topic: Topic the responses come back on.
        reply_partition: Partition of ``reply_topic`` this replica owns.
        request_timeout_s: Deadline of a synchronous request; past it the caller gets 504.
        max_pending: Bound on requests awaiting a reply in this replica (503 past it).
        default_max_tokens: ``max_tokens`` when the caller sets none.
        models: Model aliases served (``GET /v1/models``).
        max_body_bytes: Largest accepted request body.
    """

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", frozen=True)
    service_name: ClassVar[str] = "gateway"

    http_port: int = 8080
    redis_url: str
    jwt_secret: SecretStr = SecretStr("dev-only-insecure-secret-change-me")
    jwt_issuer: str = "llmops-local"
    jwt_audience: str = "llmops-gateway"
    reply_topic: str = "llm.responses.v1"
    reply_partition: int = 0
    request_timeout_s: float = 30.0
    max_pending: int = 10_000
    default_max_tokens: int = 256
    models: tuple[str, ...] = ("llama-3.1-8b",)
    max_body_bytes: int = 1_000_000
