"""TenantLedger against a real Redis: quotas, rate limits, idempotency, settlement, release.

The race tests fire many admissions at once from several clients (as several gateway
replicas would) and check the limit holds exactly: never one request more.
"""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
import redis.asyncio as aioredis
from prometheus_client import REGISTRY

from gateway import redis_keys as keys
from gateway.errors import ApiError
from gateway.ledger import Settlement, TenantLedger
from gateway.policy import TenantPolicy

TENANT = "acme"


def ledger(redis: aioredis.Redis) -> TenantLedger:
    return TenantLedger(redis, record_ttl_s=600, idempotency_ttl_s=600)


def now_ms() -> int:
    return int(time.time() * 1000)


async def admit(
    book: TenantLedger, policy: TenantPolicy, reserve: int = 10, key: str | None = None, tenant: str = TENANT
) -> str:
    admission = await book.admit(tenant, str(uuid.uuid4()), "chat", reserve, now_ms(), policy, key)
    return admission.request_id


async def admitted_count(book: TenantLedger, policy: TenantPolicy, attempts: int, reserve: int = 10) -> int:
    outcomes = await asyncio.gather(
        *(admit(book, policy, reserve) for _ in range(attempts)), return_exceptions=True
    )
    rejected = [o for o in outcomes if isinstance(o, ApiError)]
    assert all(e.status == 429 for e in rejected)
    assert all(not isinstance(o, BaseException) or isinstance(o, ApiError) for o in outcomes)
    return attempts - len(rejected)


@pytest.mark.parametrize(
    ("policy", "reserve", "expected"),
    [
        (TenantPolicy(requests_per_day=25), 10, 25),
        (TenantPolicy(tokens_per_day=1000), 30, 33),
        (TenantPolicy(requests_per_minute=17), 10, 17),
        (TenantPolicy(tokens_per_minute=500), 50, 10),
        (TenantPolicy(requests_per_day=40, requests_per_minute=30), 1, 30),
        (TenantPolicy(), 10, 80),
    ],
)
async def test_concurrent_admissions_from_many_replicas_never_exceed_a_limit(
    redis_server: str, redis: aioredis.Redis, policy: TenantPolicy, reserve: int, expected: int
) -> None:
    replicas = [aioredis.from_url(redis_server) for _ in range(4)]
    try:
        books = [ledger(r) for r in replicas]
        outcomes = await asyncio.gather(*(admitted_count(book, policy, 20, reserve) for book in books))
        assert sum(outcomes) == expected
    finally:
        for client in replicas:
            await client.aclose()


async def test_over_limit_answers_429_with_retry_after_and_openai_error(redis: aioredis.Redis) -> None:
    book = ledger(redis)
    policy = TenantPolicy(requests_per_minute=2)
    await admit(book, policy)
    await admit(book, policy)
    with pytest.raises(ApiError) as refused:
        await admit(book, policy)
    error = refused.value
    assert (error.status, error.code, error.type) == (429, "rate_limit_exceeded", "rate_limit_error")
    assert 1 <= int(error.headers["Retry-After"]) <= 30
    assert "requests_per_minute" in error.message


async def test_daily_quota_is_insufficient_quota_until_midnight(redis: aioredis.Redis) -> None:
    book = ledger(redis)
    policy = TenantPolicy(requests_per_day=1)
    await admit(book, policy)
    with pytest.raises(ApiError) as refused:
        await admit(book, policy)
    assert refused.value.code == "insufficient_quota"
    assert int(refused.value.headers["Retry-After"]) <= 86_400


async def test_a_tenants_rejection_counters_exist_at_zero_before_its_first_refusal(
    redis: aioredis.Redis,
) -> None:
    """The quota alert's ``increase()`` only counts a refusal in a series that existed before it."""
    tenant = f"fresh-{uuid.uuid4().hex[:8]}"
    book, policy = ledger(redis), TenantPolicy(requests_per_day=1, tokens_per_minute=1000)

    def rejections(limit: str) -> float | None:
        labels = {"limit": limit, "tenant": tenant}
        return REGISTRY.get_sample_value("llmops_gateway_limit_rejections_total", labels)

    await admit(book, policy, tenant=tenant)
    assert (rejections("requests_per_day"), rejections("tokens_per_minute")) == (0.0, 0.0)
    assert (rejections("tokens_per_day"), rejections("requests_per_minute")) == (None, None)
    with pytest.raises(ApiError):
        await admit(book, policy, tenant=tenant)
    assert rejections("requests_per_day") == 1.0


async def test_fallback_policy_admits_over_the_rate_limit_flagged(redis: aioredis.Redis) -> None:
    book = ledger(redis)
    policy = TenantPolicy(requests_per_minute=1, over_rate_limit="fallback")
    first = await book.admit(TENANT, "r1", "chat", 5, now_ms(), policy, None)
    second = await book.admit(TENANT, "r2", "chat", 5, now_ms(), policy, None)
    assert first.fallback_reason is None
    assert second.fallback_reason == "requests_per_minute"


async def test_fallback_never_bypasses_a_daily_quota(redis: aioredis.Redis) -> None:
    book = ledger(redis)
    policy = TenantPolicy(requests_per_day=1, requests_per_minute=1, over_rate_limit="fallback")
    await admit(book, policy)
    with pytest.raises(ApiError) as refused:
        await admit(book, policy)
    assert refused.value.code == "insufficient_quota"


async def test_settlement_reconciles_the_reservation_with_real_usage(redis: aioredis.Redis) -> None:
    book = ledger(redis)
    created = now_ms()
    await book.admit(TENANT, "r1", "chat", 100, created, TenantPolicy(tokens_per_day=1000), None)
    tokens_key = keys.daily_tokens(TENANT, keys.day_of(created))
    assert int(await redis.get(tokens_key) or 0) == 100

    result = {"request_id": "r1", "text": "ok", "error": None}
    settlement = Settlement(TENANT, "r1", created, 37, result, failed=False)
    await book.settle([settlement])
    await book.settle([settlement])  # a redelivered response settles nothing twice

    assert int(await redis.get(tokens_key) or 0) == 37
    record = await book.record(TENANT, "r1")
    assert record is not None and (record.state, record.kind, record.result) == ("completed", "chat", result)


async def test_release_gives_back_everything_and_forgets_the_idempotency_key(redis: aioredis.Redis) -> None:
    book = ledger(redis)
    policy = TenantPolicy(requests_per_day=1, tokens_per_minute=100)
    created = now_ms()
    await book.admit(TENANT, "r1", "chat", 100, created, policy, "key-1")
    await book.release(TENANT, "r1", created, "key-1")

    assert await book.record(TENANT, "r1") is None
    retry = await book.admit(TENANT, "r2", "chat", 100, created, policy, "key-1")
    assert (retry.request_id, retry.duplicate) == ("r2", False)


async def test_idempotency_key_returns_the_first_request_without_charging_again(
    redis: aioredis.Redis,
) -> None:
    book = ledger(redis)
    policy = TenantPolicy(requests_per_day=1)
    first = await book.admit(TENANT, "r1", "chat", 10, now_ms(), policy, "order-42")
    retried = await book.admit(TENANT, "r2", "chat", 10, now_ms(), policy, "order-42")
    assert (first.duplicate, retried.duplicate, retried.request_id) == (False, True, "r1")


async def test_tenants_are_isolated(redis: aioredis.Redis) -> None:
    book = ledger(redis)
    policy = TenantPolicy(requests_per_day=1)
    await book.admit("acme", "r1", "chat", 10, now_ms(), policy, "same-key")
    other = await book.admit("globex", "r2", "chat", 10, now_ms(), policy, "same-key")
    assert (other.request_id, other.duplicate) == ("r2", False)
    assert await book.record("globex", "r1") is None
    assert await book.record("acme", "r1") is not None


async def test_quota_state_survives_a_gateway_restart(redis_server: str, redis: aioredis.Redis) -> None:
    policy = TenantPolicy(requests_per_day=2)
    await admit(ledger(redis), policy)
    await admit(ledger(redis), policy)
    restarted = aioredis.from_url(redis_server)
    try:
        with pytest.raises(ApiError):
            await admit(ledger(restarted), policy)
    finally:
        await restarted.aclose()


async def test_scripts_are_reloaded_after_redis_forgets_them(redis: aioredis.Redis) -> None:
    book = ledger(redis)
    await admit(book, TenantPolicy())
    await redis.script_flush()
    await admit(book, TenantPolicy())
    await redis.script_flush()
    await book.settle([Settlement(TENANT, "x", now_ms(), 1, {"error": None}, failed=False)])


async def test_unreachable_redis_is_503() -> None:
    book = ledger(aioredis.from_url("redis://127.0.0.1:1/0"))
    with pytest.raises(ApiError) as refused:
        await admit(book, TenantPolicy())
    assert refused.value.status == 503


async def test_idempotency_key_reused_with_another_request_is_422(redis: aioredis.Redis) -> None:
    book = ledger(redis)
    await book.admit(TENANT, "r1", "chat", 10, now_ms(), TenantPolicy(), "order-42", "fingerprint-a")
    same = await book.admit(TENANT, "r2", "chat", 10, now_ms(), TenantPolicy(), "order-42", "fingerprint-a")
    with pytest.raises(ApiError) as refused:
        await book.admit(TENANT, "r3", "chat", 10, now_ms(), TenantPolicy(), "order-42", "fingerprint-b")
    assert (same.request_id, same.duplicate) == ("r1", True)
    assert (refused.value.status, refused.value.code) == (422, "idempotency_key_reused")
