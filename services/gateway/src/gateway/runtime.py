"""The gateway's long-lived clients, created and closed in the app's lifespan."""

from __future__ import annotations

from dataclasses import dataclass

import redis.asyncio as aioredis
from fastapi import Request

from gateway.auth import TokenVerifier
from gateway.pending import PendingReplies
from gateway.reply_listener import ReplyListener
from gateway.settings import GatewaySettings
from llmops.codec import AvroCodec
from llmops.health import Readiness
from llmops.producer import DurableProducer


@dataclass
class GatewayRuntime:
    """Everything a route needs besides the request."""

    settings: GatewaySettings
    codec: AvroCodec
    producer: DurableProducer
    pending: PendingReplies
    listener: ReplyListener
    redis: aioredis.Redis
    verifier: TokenVerifier
    readiness: Readiness


def get_runtime(request: Request) -> GatewayRuntime:
    """FastAPI dependency: the runtime stored on the app at start-up."""
    runtime: GatewayRuntime = request.app.state.runtime
    return runtime
