"""The tenant ledger in Redis: admission (idempotency, quotas, rate limits), settlement, results.

Each step is one atomic Lua script, so concurrent requests on any number of replicas
never overshoot a limit, and admission costs one Redis round trip per request.
Settlement of a batch of responses is pipelined into one round trip.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import orjson
import redis.asyncio as aioredis
from redis.exceptions import NoScriptError, RedisError

from gateway import redis_keys as keys
from gateway.errors import ApiError
from gateway.lua_script import LuaScript
from gateway.metric_defs import LIMIT_REJECTIONS
from gateway.policy import TenantPolicy

ADMIT, SETTLE, RELEASE = LuaScript("admit"), LuaScript("settle"), LuaScript("release")
DAY_TTL_S = 2 * 86_400
LIMITS = ("requests_per_day", "tokens_per_day", "requests_per_minute", "tokens_per_minute")
"""The limits ``admit.lua`` names when it refuses a request (the ``limit`` label)."""


@dataclass(frozen=True)
class Admission:
    """Outcome of admitting a request.

    Attributes:
        request_id: The id to await: the new one, or the original one of an idempotent retry.
        duplicate: True when an earlier request with the same idempotency key exists.
        fallback_reason: Set when a rate limit routed the request to the fallback model.
    """

    request_id: str
    duplicate: bool = False
    fallback_reason: str | None = None


@dataclass(frozen=True)
class Settlement:
    """A response to settle: who, which day, tokens used, and the result the caller may read."""

    tenant: str
    request_id: str
    created_ms: int
    tokens_used: int
    result: dict[str, Any]
    failed: bool


@dataclass(frozen=True)
class RequestRecord:
    """What ``GET /v1/requests/{id}`` reads: state (pending, completed, failed), kind, result."""

    state: str
    kind: str
    result: dict[str, Any] | None


class TenantLedger:
    """Quotas, rate limits, idempotency and results of every tenant.

    Args:
        redis: The client.
        record_ttl_s: How long a result stays retrievable.
        idempotency_ttl_s: How long an ``Idempotency-Key`` is remembered.
    """

    def __init__(self, redis: aioredis.Redis, record_ttl_s: int, idempotency_ttl_s: int) -> None:
        self.redis = redis
        self.record_ttl_s = record_ttl_s
        self.idempotency_ttl_s = idempotency_ttl_s
        self._counted: set[tuple[str, TenantPolicy]] = set()

    async def admit(
        self,
        tenant: str,
        request_id: str,
        kind: str,
        reserve: int,
        created_ms: int,
        policy: TenantPolicy,
        idempotency_key: str | None,
        fingerprint: str = "-",
    ) -> Admission:
        """Admit a request or raise 429 (``Retry-After`` set); 503 when Redis is unreachable.

        ``fingerprint`` identifies the request's content: an ``Idempotency-Key`` reused with a
        different request is refused (422) rather than answered with another request's result.
        """
        if (tenant, policy) not in self._counted:
            self._counted.add((tenant, policy))
            _zero_rejection_series(tenant, policy)
        day = keys.day_of(created_ms)
        script_keys = [
            keys.idempotency(tenant, idempotency_key or "-"),
            keys.daily_requests(tenant, day),
            keys.daily_tokens(tenant, day),
            keys.rate_bucket(tenant, "rpm"),
            keys.rate_bucket(tenant, "tpm"),
            keys.request_record(tenant, request_id),
        ]
        args = [
            request_id,
            reserve,
            policy.requests_per_day,
            policy.tokens_per_day,
            policy.requests_per_minute,
            policy.tokens_per_minute,
            policy.over_rate_limit,
            self.record_ttl_s,
            idempotency_key or "",
            self.idempotency_ttl_s,
            kind,
            DAY_TTL_S,
            fingerprint,
        ]
        outcome = await self._run(ADMIT, script_keys, args)
        verdict = _text(outcome[0])
        if verdict == "dup":
            original, _, original_fingerprint = _text(outcome[1]).partition(" ")
            if original_fingerprint != fingerprint:
                raise ApiError(
                    422,
                    "Idempotency-Key was already used with a different request",
                    "invalid_request_error",
                    "idempotency_key_reused",
                    "Idempotency-Key",
                )
            return Admission(original, duplicate=True)
        if verdict in ("quota", "rate"):
            raise _over_limit(verdict, _text(outcome[1]), int(outcome[2]), tenant)
        reason = _text(outcome[2]) or None
        return Admission(request_id, fallback_reason=reason if int(outcome[1]) else None)

    async def release(
        self, tenant: str, request_id: str, created_ms: int, idempotency_key: str | None
    ) -> None:
        """Give back the reservation of a request that never reached the pipeline."""
        day = keys.day_of(created_ms)
        script_keys = [
            keys.request_record(tenant, request_id),
            keys.daily_requests(tenant, day),
            keys.daily_tokens(tenant, day),
            keys.rate_bucket(tenant, "rpm"),
            keys.rate_bucket(tenant, "tpm"),
            keys.idempotency(tenant, idempotency_key or "-"),
        ]
        await self._run(RELEASE, script_keys, ["1" if idempotency_key else "0"])

    async def settle(self, settlements: list[Settlement]) -> None:
        """Reconcile and store a batch of responses in one round trip."""
        if not settlements:
            return
        for attempt in (1, 2):
            pipe = self.redis.pipeline(transaction=False)
            for item in settlements:
                SETTLE.queue(
                    pipe,
                    _settle_keys(item),
                    [
                        item.tokens_used,
                        orjson.dumps(item.result),
                        self.record_ttl_s,
                        "failed" if item.failed else "completed",
                    ],
                )
            results = await pipe.execute(raise_on_error=False)
            if attempt == 1 and any(isinstance(r, NoScriptError) for r in results):
                await SETTLE.load(self.redis)
                continue
            errors = [r for r in results if isinstance(r, Exception)]
            if errors:
                raise errors[0]
            return

    async def record(self, tenant: str, request_id: str) -> RequestRecord | None:
        """The record of a request of ``tenant``; None when unknown (or another tenant's)."""
        try:
            state, kind, result = await self.redis.hmget(
                keys.request_record(tenant, request_id), ["state", "kind", "result"]
            )
        except RedisError as exc:
            raise _redis_down(exc) from exc
        if state is None:
            return None
        return RequestRecord(_text(state), _text(kind or b"chat"), orjson.loads(result) if result else None)

    async def _run(self, script: LuaScript, script_keys: list[str], args: list[Any]) -> Any:
        try:
            return await script(self.redis, script_keys, args)
        except RedisError as exc:
            raise _redis_down(exc) from exc


def _settle_keys(item: Settlement) -> list[str]:
    day = keys.day_of(item.created_ms)
    return [
        keys.request_record(item.tenant, item.request_id),
        keys.daily_tokens(item.tenant, day),
        keys.rate_bucket(item.tenant, "tpm"),
    ]


def _zero_rejection_series(tenant: str, policy: TenantPolicy) -> None:
    """Create the tenant's rejection counters at 0 for every limit its policy sets.

    A counter series born at its first refusal starts at 1, and Prometheus' ``increase()``
    sees no increase in a series' first sample, so the quota alert would miss a tenant's
    first refusal; a series that already exists at 0 counts it.
    """
    for limit in LIMITS:
        if getattr(policy, limit):
            LIMIT_REJECTIONS.labels(limit, tenant)


def _over_limit(verdict: str, what: str, retry_after_ms: int, tenant: str) -> ApiError:
    LIMIT_REJECTIONS.labels(what, tenant).inc()
    retry_after_s = max(1, math.ceil(retry_after_ms / 1000))
    kind = "quota" if verdict == "quota" else "rate limit"
    code = "insufficient_quota" if verdict == "quota" else "rate_limit_exceeded"
    return ApiError(
        429,
        f"{kind} exceeded ({what}); retry after {retry_after_s}s",
        "rate_limit_error" if verdict == "rate" else "insufficient_quota",
        code,
        headers={"Retry-After": str(retry_after_s)},
    )


def _redis_down(exc: Exception) -> ApiError:
    return ApiError(
        503,
        "quota store unavailable, retry shortly",
        "api_error",
        "redis_unavailable",
        headers={"Retry-After": "1"},
    )


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
