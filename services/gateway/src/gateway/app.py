"""The gateway's FastAPI app: ``create_app()`` wires routers, errors and the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis.asyncio as aioredis
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from gateway.auth import TokenVerifier
from gateway.errors import ApiError, handle_api_error, handle_http_error, handle_validation_error
from gateway.middleware import GatewayMiddleware
from gateway.pending import PendingReplies
from gateway.reply_listener import ReplyListener
from gateway.routes import chat, health, models
from gateway.runtime import GatewayRuntime
from gateway.settings import GatewaySettings
from llmops import topics
from llmops.codec import AvroCodec
from llmops.dead_letter import DeadLetterQueue, InvalidShareBudget
from llmops.health import Readiness
from llmops.producer import DurableProducer
from llmops.schema_store import SchemaStore


def create_app(settings: GatewaySettings) -> FastAPI:
    """Build the gateway app; clients are created and closed in its lifespan."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await start_runtime(settings)
        app.state.runtime = runtime
        try:
            yield
        finally:
            await stop_runtime(runtime)

    app = FastAPI(
        title="LLMOps gateway",
        version=settings.service_version,
        lifespan=lifespan,
        description="OpenAI-compatible API in front of the LLMOps Kafka pipeline.",
    )
    app.add_exception_handler(ApiError, handle_api_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(StarletteHTTPException, handle_http_error)
    for router in (chat.router, models.router, health.router):
        app.include_router(router)
    app.add_middleware(GatewayMiddleware, max_body_bytes=settings.max_body_bytes)
    return app


async def start_runtime(settings: GatewaySettings) -> GatewayRuntime:
    """Connect to Kafka and Redis and take this replica's reply partition."""
    codec = AvroCodec(SchemaStore.load())
    producer = DurableProducer(settings.kafka_bootstrap, "llmops-gateway")
    await producer.start()

    async def send_dead_letter(key: bytes | None, value: bytes) -> None:
        await producer.send(topics.DEADLETTER.name, value, key=key)

    dead_letters = DeadLetterQueue("gateway", codec, send_dead_letter, InvalidShareBudget())
    pending = PendingReplies(settings.max_pending)
    listener = ReplyListener(
        settings.kafka_bootstrap, settings.reply_topic, settings.reply_partition, codec, pending, dead_letters
    )
    await listener.start()
    redis = aioredis.from_url(settings.redis_url)
    readiness = Readiness()

    async def kafka_ready() -> bool:
        return producer.started and listener.assigned

    async def redis_ready() -> bool:
        return bool(await redis.ping())

    readiness.add("kafka", kafka_ready)
    readiness.add("redis", redis_ready)
    verifier = TokenVerifier(
        settings.jwt_secret.get_secret_value(), settings.jwt_issuer, settings.jwt_audience
    )
    return GatewayRuntime(settings, codec, producer, pending, listener, redis, verifier, readiness)


async def stop_runtime(runtime: GatewayRuntime) -> None:
    """Close every client."""
    await runtime.listener.stop()
    await runtime.producer.stop()
    await runtime.redis.aclose()
