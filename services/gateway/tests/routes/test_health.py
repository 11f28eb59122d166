"""``/healthz``, ``/readyz`` and ``/metrics`` of the gateway."""

from __future__ import annotations

import httpx2 as httpx
import pytest

from gateway.runtime import GatewayRuntime


async def test_healthz_answers_without_a_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "service": "gateway"}


@pytest.mark.parametrize(
    ("kafka", "redis", "status"),
    [(True, True, 200), (True, False, 503), (False, True, 503)],
)
async def test_readyz_reports_each_check(
    client: httpx.AsyncClient, runtime: GatewayRuntime, kafka: bool, redis: bool, status: int
) -> None:
    async def kafka_ready() -> bool:
        return kafka

    async def redis_ready() -> bool:
        return redis

    runtime.readiness.add("kafka", kafka_ready)
    runtime.readiness.add("redis", redis_ready)

    response = await client.get("/readyz")

    assert response.status_code == status
    assert response.json() == {"ready": status == 200, "checks": {"kafka": kafka, "redis": redis}}


async def test_metrics_exposes_the_gateway_metrics(client: httpx.AsyncClient) -> None:
    await client.get("/healthz")

    response = await client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    for name in (
        "llmops_gateway_requests_total",
        "llmops_gateway_request_duration_seconds",
        "llmops_gateway_in_flight_requests",
        "llmops_gateway_pending_replies",
    ):
        assert name in response.text
