"""The gateway's long-lived clients, created and closed in the app's lifespan."""

from __future__ import annotations

from dataclasses import dataclass

import redis.asyncio as aioredis
from fastapi import Request

from gateway.auth import TokenVerifier
from gateway.dispatch import Dispatcher
from gateway.ledger import TenantLedger
from gateway.reply_lease import ReplyPartitionLease
from gateway.reply_listener import ReplyListener
from gateway.settings import GatewaySettings
from llmops.health import Readiness


@dataclass
class GatewayRuntime:
    """Everything a route needs besides the request."""

    settings: GatewaySettings
    dispatcher: Dispatcher
    ledger: TenantLedger
    verifier: TokenVerifier
    readiness: Readiness
    redis: aioredis.Redis
    lease: ReplyPartitionLease | None = None
    listener: ReplyListener | None = None


async def get_runtime(request: Request) -> GatewayRuntime:
    """FastAPI dependency: the runtime stored on the app at start-up.

    Async on purpose: FastAPI runs a sync dependency in a worker thread, a thread hand-off
    per request that cost about a third of the gateway's CPU under load.
    """
    runtime: GatewayRuntime = request.app.state.runtime
    return runtime
