"""Fixtures of the gateway tests: a guarded response, an authenticated caller, a real Redis."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator

import pytest
import redis.asyncio as aioredis

from gateway.auth import Principal
from llmops.events import Finding, LlmResponse, ModelLineage, TokenUsage
from llmops.localstack.ports import free_port

T0 = 1_763_337_600_000


@pytest.fixture
def principal() -> Principal:
    return Principal(tenant="acme", subject="user-17", scopes=frozenset({"chat"}))


@pytest.fixture
def response() -> LlmResponse:
    """A response as guardrails produces it: redacted text, usage and lineage."""
    return {
        "request_id": "3f8e2b1a-9c4d-4e7f-a6b5-0d1c2e3f4a5b",
        "tenant": "acme",
        "model": ModelLineage(
            alias="llama-3.1-8b",
            version="7",
            model_id="meta-llama/Llama-3.1-8B-Instruct",
            revision="abc123",
            endpoint="http://tgi-0:8080",
            backend="tgi",
            canary=False,
        ),
        "text": "Write to [EMAIL] and we will answer within two working days.",
        "action": "redact",
        "reason_code": None,
        "findings": [
            Finding(
                scanner="pii_email",
                stage="output",
                category="pii:email",
                score=1.0,
                action="redact",
                span_count=1,
                latency_ms=0.03,
            )
        ],
        "policy_version": "skeleton-1",
        "finish_reason": "length",
        "usage": TokenUsage(input_tokens=21, output_tokens=12),
        "cost_usd": 0.0,
        "fallback": False,
        "error": None,
        "prompt_redacted": "Contact me at [EMAIL]",
        "prompt_sha256": "0" * 64,
        "output_sha256": "1" * 64,
        "guardrails_ms": 0.12,
        "request_created_at": T0,
        "completion_created_at": T0 + 840,
        "created_at": T0 + 843,
    }


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``redis-server`` on a free port (no persistence), for the whole session."""
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for_port(port: int) -> None:
    for _ in range(200):
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"redis-server did not listen on {port}")


@pytest.fixture
async def redis(redis_server: str) -> AsyncIterator[aioredis.Redis]:
    """A client of the session's Redis, emptied before each test."""
    client = aioredis.from_url(redis_server)
    await client.flushdb()
    try:
        yield client
    finally:
        await client.aclose()
