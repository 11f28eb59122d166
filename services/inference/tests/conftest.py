"""Fixtures of the inference tests: requests, catalogs and in-process TGI simulators."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from llmops.clock import now_ms
from llmops.events import ChatMessage, GenerationParams, LlmRequest, ModelLineage, ReplyTo
from tgi_simulator import SimulatorConfig
from tgi_simulator.server import running_simulator

ALIAS = "llama-3.1-8b"
# Mid-November 2025, UTC epoch milliseconds.
T0 = 1_763_337_600_000


def fast_config(**overrides: Any) -> SimulatorConfig:
    """A zero-latency simulator that never stops early, so it generates exactly ``max_tokens``."""
    settings: dict[str, Any] = {
        "port": 0,
        "prefill_ms_per_token": 0.0,
        "decode_ms_per_token": 0.0,
        "decode_ms_per_batched_request": 0.0,
        "eos_probability": 0.0,
    }
    return SimulatorConfig(**(settings | overrides))


@pytest.fixture(scope="session")
async def sim_url() -> AsyncIterator[str]:
    """A shared zero-latency simulator (never give it faults: other tests use it)."""
    async with running_simulator(fast_config()) as url:
        yield url


@pytest.fixture
async def fresh_sim() -> AsyncIterator[Callable[..., Any]]:
    """``async with fresh_sim(**config) as url``: a simulator of this test alone."""
    yield lambda **overrides: running_simulator(fast_config(**overrides))


def _version_spec(endpoint: str, version: str = "1", **overrides: Any) -> dict[str, Any]:
    """One catalog version entry."""
    spec: dict[str, Any] = {
        "version": version,
        "model_id": "meta-llama/Llama-3.1-8B-Instruct",
        "revision": "abc123",
        "endpoint": endpoint,
        "backend": "tgi",
        "input_price_per_1k": 0.2,
        "output_price_per_1k": 0.6,
        "max_input_tokens": 4095,
        "max_output_tokens": 512,
        "max_in_flight": 8,
    }
    return spec | overrides


@pytest.fixture
def write_catalog(tmp_path: Path) -> Callable[[dict[str, Any]], Path]:
    """Write ``{"alias": {"versions": [...], "fallback": ...}}`` as a catalog file; return its path."""

    def write(aliases: dict[str, Any]) -> Path:
        path = tmp_path / "catalog.yaml"
        path.write_text(yaml.safe_dump({"catalog_version": "test-1", "aliases": aliases}), encoding="utf-8")
        return path

    return write


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
        "deadline": now_ms() + 60_000,  # in the future, or nothing is sent
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


def _make_settings(catalog_path: Path, **overrides: Any) -> Any:
    """Inference settings reading ``catalog_path``, with fast retries."""
    from inference.settings import InferenceSettings
    from llmops.settings import Environment

    values: dict[str, Any] = {
        "kafka_bootstrap": "127.0.0.1:1",
        "http_port": free_port(),
        "environment": Environment.LOCAL,
        "tgi_url": "http://127.0.0.1:1",
        "catalog_path": catalog_path,
        "request_timeout_s": 5.0,
        "retry_initial_s": 0.005,
        "retry_max_s": 0.02,
    }
    return InferenceSettings(**(values | overrides))


def free_port() -> int:
    """A loopback port nobody listens on (right now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def version_spec() -> Callable[..., dict[str, Any]]:
    """``version_spec(endpoint, version="1", **fields)``: one catalog version entry."""
    return _version_spec


@pytest.fixture
def make_settings() -> Callable[..., Any]:
    """``make_settings(catalog_path, **fields)``: inference settings with fast retries."""
    return _make_settings
