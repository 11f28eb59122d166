"""Settings of the gateway (env prefix ``GATEWAY_``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from gateway.policy import TenantPolicy
from llmops.settings import ServiceSettings


class GatewaySettings(ServiceSettings):
    """Gateway settings.

    Attributes:
        redis_url: Redis for results, quotas and rate limits.
        jwt_secret: HS256 key of locally minted tokens; the default is refused outside local use.
        jwt_issuer: Required ``iss`` claim.
        jwt_audience: Required ``aud`` claim.
        reply_topic: Topic the responses come back on.
        reply_partition: A fixed partition of ``reply_topic`` for this replica; unset (the
            default), each replica leases the first free one in Redis.
        reply_lease_ttl_s: Lifetime of the reply-partition lease (renewed every third of it).
        request_timeout_s: How long a synchronous caller waits; past it the caller gets 504
            and the result stays retrievable.
        processing_deadline_s: The request event's ``deadline``: how long the pipeline may
            keep working on it (inference never retries past it). At least
            ``request_timeout_s``, so a caller that timed out can still fetch the result.
        max_pending: Bound on requests awaiting a reply in this replica (503 past it).
        default_max_tokens: ``max_tokens`` when the caller sets none.
        models: Model aliases served (``GET /v1/models``).
        max_body_bytes: Largest accepted request body.
        max_output_tokens: Most tokens one request may ask to generate (400 naming the field past it).
        max_input_tokens: Most (estimated) input tokens of one request.
        jwks_url: The identity provider's JWKS URL (RS256/ES256 tokens); unset disables them.
        verified_token_cache_size: Most verified tokens remembered, so a client reusing its
            token skips the signature check (0 disables the cache).
        verified_token_max_age_s: Longest a verified token is trusted without re-checking
            its signature (never past its own ``exp``).
        result_ttl_s: How long results stay retrievable (``GET /v1/requests/{id}``).
        idempotency_ttl_s: How long an ``Idempotency-Key`` is remembered.
        default_policy: Limits of tenants without their own policy (0 = unlimited).
        tenant_policies: Per-tenant limits, JSON: ``{"acme": {"requests_per_minute": 600}}``.
    """

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", frozen=True)
    service_name: ClassVar[str] = "gateway"

    http_port: int = 8080
    redis_url: str
    jwt_secret: SecretStr = SecretStr("dev-only-insecure-secret-change-me")
    """HS256 key; set it empty to accept only JWKS-verified tokens."""
    jwks_url: str | None = None
    verified_token_cache_size: int = Field(default=10_000, ge=0)
    verified_token_max_age_s: float = Field(default=60.0, gt=0)
    jwt_issuer: str = "llmops-local"
    jwt_audience: str = "llmops-gateway"
    reply_topic: str = "llm.responses.v1"
    reply_partition: int | None = Field(default=None, ge=0)
    reply_lease_ttl_s: float = Field(default=10.0, gt=0)
    request_timeout_s: float = 30.0
    processing_deadline_s: float = Field(default=300.0, gt=0)
    max_pending: int = 10_000
    default_max_tokens: int = 256
    models: tuple[str, ...] = ("llama-3.1-8b",)
    max_body_bytes: int = 1_000_000
    max_output_tokens: int = Field(default=4096, ge=1)
    max_input_tokens: int = Field(default=32_000, ge=1)
    result_ttl_s: int = Field(default=86_400, gt=0)
    idempotency_ttl_s: int = Field(default=86_400, gt=0)
    default_policy: TenantPolicy = TenantPolicy()
    tenant_policies: dict[str, TenantPolicy] = Field(default_factory=dict)
