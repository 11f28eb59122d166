"""The gateway's FastAPI app: ``create_app()`` wires routers, errors and the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import redis.asyncio as aioredis
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from gateway.auth import TokenVerifier
from gateway.dispatch import Dispatcher
from gateway.errors import ApiError, handle_api_error, handle_http_error, handle_validation_error
from gateway.jwks import JwksCache
from gateway.ledger import TenantLedger
from gateway.middleware import GatewayMiddleware
from gateway.pending import PendingReplies
from gateway.reply_checkpoint import ReplyCheckpoint
from gateway.reply_delivery import ReplyDelivery
from gateway.reply_lease import ReplyPartitionLease
from gateway.reply_listener import ReplyListener
from gateway.routes import chat, completions, health, models, requests
from gateway.runtime import GatewayRuntime
from gateway.settings import GatewaySettings
from gateway.token_cache import VerifiedTokens
from llmops import fetch_pause, topics
from llmops.codec import AvroCodec
from llmops.dead_letter import DeadLetterQueue, InvalidShareBudget
from llmops.health import Readiness
from llmops.producer import DurableProducer
from llmops.schema_store import SchemaStore


def create_app(settings: GatewaySettings) -> FastAPI:
    """Build the gateway app; clients are created and closed in its lifespan."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            app.state.runtime = await start_runtime(settings, stack)
            yield

    app = FastAPI(
        title="LLMOps gateway",
        version=settings.service_version,
        lifespan=lifespan,
        description="OpenAI-compatible API in front of the LLMOps Kafka pipeline.",
    )
    app.add_exception_handler(ApiError, handle_api_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(StarletteHTTPException, handle_http_error)
    for router in (chat.router, completions.router, requests.router, models.router, health.router):
        app.include_router(router)
    app.add_middleware(GatewayMiddleware, max_body_bytes=settings.max_body_bytes)
    return app


def token_verifier(settings: GatewaySettings) -> TokenVerifier:
    """HS256 with the configured secret (unless empty) and RS256/ES256 through the JWKS URL (if set)."""
    secret = settings.jwt_secret.get_secret_value() or None
    jwks = JwksCache(settings.jwks_url) if settings.jwks_url else None
    verified = VerifiedTokens(settings.verified_token_cache_size, settings.verified_token_max_age_s)
    return TokenVerifier(settings.jwt_issuer, settings.jwt_audience, secret, jwks, verified=verified)


async def start_runtime(settings: GatewaySettings, stack: AsyncExitStack) -> GatewayRuntime:
    """Connect to Redis and Kafka, lease a reply partition and start reading it.

    Everything started is registered on ``stack``, so a failure half-way closes what was opened.
    """
    fetch_pause.install(settings.empty_fetch_pause_ms / 1000)
    codec = AvroCodec(SchemaStore.load())
    redis = aioredis.from_url(settings.redis_url)
    stack.push_async_callback(redis.aclose)
    lease = ReplyPartitionLease(
        redis,
        settings.reply_topic,
        topics.RESPONSES.partitions,
        settings.reply_lease_ttl_s,
        settings.reply_partition,
    )
    partition = await lease.acquire()
    stack.push_async_callback(lease.release)
    producer = DurableProducer(settings.kafka_bootstrap, "llmops-gateway")
    await producer.start()
    stack.push_async_callback(producer.stop)

    async def send_dead_letter(key: bytes | None, value: bytes) -> None:
        await producer.send(topics.DEADLETTER.name, value, key=key)

    dead_letters = DeadLetterQueue("gateway", codec, send_dead_letter, InvalidShareBudget())
    pending = PendingReplies(settings.max_pending)
    ledger = TenantLedger(redis, settings.result_ttl_s, settings.idempotency_ttl_s)
    listener = ReplyListener(
        settings.kafka_bootstrap,
        settings.reply_topic,
        partition,
        codec,
        dead_letters,
        ReplyDelivery(ledger, pending),
        ReplyCheckpoint(redis, settings.reply_topic, partition),
        settings.consumer_lag_interval_s,
    )
    await listener.start()
    stack.push_async_callback(listener.stop)
    dispatcher = Dispatcher(settings, codec, producer, pending, ledger, partition)
    return GatewayRuntime(
        settings,
        dispatcher,
        ledger,
        token_verifier(settings),
        _readiness(producer, listener, lease, redis),
        redis,
        lease,
        listener,
    )


def _readiness(
    producer: DurableProducer, listener: ReplyListener, lease: ReplyPartitionLease, redis: aioredis.Redis
) -> Readiness:
    readiness = Readiness()

    async def kafka_ready() -> bool:
        return producer.started and listener.assigned

    async def redis_ready() -> bool:
        return bool(await redis.ping())

    async def lease_held() -> bool:
        return lease.held

    readiness.add("kafka", kafka_ready)
    readiness.add("redis", redis_ready)
    readiness.add("reply_lease", lease_held)
    return readiness
