"""Fixtures of the route tests: the real gateway app over a runtime of in-memory stand-ins.

The app's lifespan (which connects to Kafka and Redis) is not run: the test client is
used without entering it, and the runtime is placed on the app directly.
"""

from __future__ import annotations

from typing import cast

import pytest
import redis.asyncio as aioredis
from starlette.testclient import TestClient

from gateway.app import create_app
from gateway.auth import TokenVerifier
from gateway.pending import PendingReplies
from gateway.reply_listener import ReplyListener
from gateway.runtime import GatewayRuntime
from gateway.settings import GatewaySettings
from llmops.codec import AvroCodec
from llmops.dev_tokens import mint_token
from llmops.health import Readiness
from llmops.producer import DurableProducer
from llmops.settings import Environment


@pytest.fixture
def settings() -> GatewaySettings:
    return GatewaySettings(
        kafka_bootstrap="127.0.0.1:1",
        redis_url="redis://127.0.0.1:1/0",
        environment=Environment.LOCAL,
        reply_topic="llm.responses.v1",
        reply_partition=5,
        request_timeout_s=5.0,
        default_max_tokens=32,
        models=("llama-3.1-8b", "tiny-1b"),
        max_body_bytes=4096,
    )


@pytest.fixture
def runtime(settings: GatewaySettings, codec: AvroCodec) -> GatewayRuntime:
    """A runtime without servers: tests that produce put a fake on ``runtime.producer``."""
    return GatewayRuntime(
        settings=settings,
        codec=codec,
        producer=cast(DurableProducer, None),
        pending=PendingReplies(settings.max_pending),
        listener=cast(ReplyListener, None),
        redis=cast(aioredis.Redis, None),
        verifier=TokenVerifier(
            settings.jwt_secret.get_secret_value(), settings.jwt_issuer, settings.jwt_audience
        ),
        readiness=Readiness(),
    )


@pytest.fixture
def client(settings: GatewaySettings, runtime: GatewayRuntime) -> TestClient:
    app = create_app(settings)
    app.state.runtime = runtime
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def auth() -> dict[str, str]:
    """Headers of a caller of tenant ``acme`` holding a development token."""
    return {"Authorization": f"Bearer {mint_token('acme', subject='user-17')}"}
