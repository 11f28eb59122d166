"""Fixtures of the route tests: the real gateway app over a runtime with a real Redis.

Kafka is replaced by an in-memory producer (see ``test_chat.py``); the app's lifespan
(which connects to Kafka) is not run: the runtime is placed on the app directly, and
requests go through ``httpx`` in the test's own event loop, so the Redis client and
the pending futures live in the loop that serves the requests.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import cast

import httpx2 as httpx
import pytest
import redis.asyncio as aioredis

from gateway.app import create_app
from gateway.auth import TokenVerifier
from gateway.dispatch import Dispatcher
from gateway.ledger import TenantLedger
from gateway.pending import PendingReplies
from gateway.reply_delivery import ReplyDelivery
from gateway.runtime import GatewayRuntime
from gateway.settings import GatewaySettings
from llmops.codec import AvroCodec
from llmops.dev_tokens import mint_token
from llmops.events import LlmRequest, LlmResponse
from llmops.health import Readiness
from llmops.producer import DurableProducer
from llmops.settings import Environment


@pytest.fixture
def settings(redis_server: str) -> GatewaySettings:
    return GatewaySettings(
        kafka_bootstrap="127.0.0.1:1",
        redis_url=redis_server,
        environment=Environment.LOCAL,
        reply_topic="llm.responses.v1",
        reply_partition=5,
        request_timeout_s=5.0,
        default_max_tokens=32,
        models=("llama-3.1-8b", "tiny-1b"),
        max_body_bytes=4096,
    )


@pytest.fixture
def runtime(settings: GatewaySettings, codec: AvroCodec, redis: aioredis.Redis) -> GatewayRuntime:
    """A runtime over the test Redis: tests that produce put a fake on ``runtime.dispatcher.producer``."""
    ledger = TenantLedger(redis, settings.result_ttl_s, settings.idempotency_ttl_s)
    pending = PendingReplies(settings.max_pending)
    dispatcher = Dispatcher(settings, codec, cast(DurableProducer, None), pending, ledger, 5)
    verifier = TokenVerifier(
        settings.jwt_issuer, settings.jwt_audience, settings.jwt_secret.get_secret_value()
    )
    return GatewayRuntime(settings, dispatcher, ledger, verifier, Readiness(), redis)


@pytest.fixture
async def client(settings: GatewaySettings, runtime: GatewayRuntime) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    app.state.runtime = runtime
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
        yield http


@dataclass(frozen=True)
class Sent:
    topic: str
    request: LlmRequest
    key: bytes | None
    headers: dict[str, bytes]


class FakeProducer:
    """Records produced requests; answers each with ``answer(request)`` unless that is None."""

    def __init__(self, runtime: GatewayRuntime) -> None:
        self.runtime = runtime
        self.sent: list[Sent] = []
        self.answer: Callable[[LlmRequest], LlmResponse] | None = None
        self.failure: Exception | None = None
        self.delivery = ReplyDelivery(runtime.ledger, runtime.dispatcher.pending)
        self.replies: list[asyncio.Task[None]] = []

    async def send(
        self,
        topic: str,
        value: bytes,
        key: bytes | None = None,
        partition: int | None = None,
        headers: list[tuple[str, bytes]] | None = None,
    ) -> None:
        if self.failure is not None:
            raise self.failure
        request: LlmRequest = self.runtime.dispatcher.codec.decode(value, "request")
        self.sent.append(Sent(topic, request, key, dict(headers or ())))
        if self.answer is not None:
            self.replies.append(asyncio.create_task(self.delivery.deliver([self.answer(request)])))


@pytest.fixture
def producer(runtime: GatewayRuntime, response: LlmResponse) -> FakeProducer:
    fake = FakeProducer(runtime)
    fake.answer = lambda request: {
        **response,
        "request_id": request["request_id"],
        "tenant": request["tenant"],
        "request_created_at": request["created_at"],
    }
    runtime.dispatcher.producer = cast(DurableProducer, fake)
    return fake


@pytest.fixture
def auth() -> dict[str, str]:
    """Headers of a caller of tenant ``acme`` holding a development token."""
    return {"Authorization": f"Bearer {mint_token('acme', subject='user-17')}"}
