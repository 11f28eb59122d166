"""Fixtures of the inference tests: requests, lineage and an in-process TGI simulator."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest

from llmops.events import ChatMessage, GenerationParams, LlmRequest, ModelLineage, ReplyTo
from tgi_simulator import SimulatorConfig
from tgi_simulator.server import running_simulator

ALIAS = "llama-3.1-8b"
# Mid-November 2025, UTC epoch milliseconds.
T0 = 1_763_337_600_000


@pytest.fixture(scope="session")
async def sim_url() -> AsyncIterator[str]:
    """A zero-latency simulator that never stops early, so it generates exactly ``max_tokens``."""
    config = SimulatorConfig(port=0, prefill_ms_per_token=0.0, decode_ms_per_token=0.0, eos_probability=0.0)
    async with running_simulator(config) as url:
        yield url


@pytest.fixture
def closed_url() -> str:
    """The URL of a loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def lineage() -> ModelLineage:
    return ModelLineage(
        alias=ALIAS,
        version="1",
        model_id="meta-llama/Llama-3.1-8B-Instruct",
        revision="main",
        endpoint="http://tgi-0:8080",
        backend="tgi",
        canary=False,
    )


@pytest.fixture
def chat_request() -> LlmRequest:
    return {
        "request_id": "3f8e2b1a-9c4d-4e7f-a6b5-0d1c2e3f4a5b",
        "tenant": "acme",
        "user": "dev-user",
        "model": ALIAS,
        "messages": [
            ChatMessage(role="system", content="Réponds brièvement."),
            ChatMessage(role="user", content="Wie spät ist es in Lissabon?"),
        ],
        "prompt": None,
        "params": GenerationParams(
            max_tokens=8, temperature=0.7, top_p=0.9, stop=[], seed=42, response_format=None
        ),
        "reply_to": ReplyTo(topic="llm.responses.v1", partition=1),
        "idempotency_key": "idem-1",
        "deadline": T0 + 30_000,
        "fallback_requested": False,
        "fallback_reason": None,
        "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
        "metadata": {"team": "search"},
        "created_at": T0,
    }


@pytest.fixture
def prompt_request(chat_request: LlmRequest) -> LlmRequest:
    request: LlmRequest = {**chat_request, "messages": [], "prompt": "Scrivi un haiku sul mare."}
    request["params"] = GenerationParams(
        max_tokens=6, temperature=None, top_p=None, stop=[], seed=None, response_format=None
    )
    return request
