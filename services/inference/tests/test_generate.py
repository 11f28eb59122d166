"""Generator: a completion for every request, against a real (simulated) TGI server.

Every failure must come back as a completion carrying an error, never as an exception:
an exception in the handler leaves the request unacknowledged and the caller waiting.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import cast

import pytest

from inference.generate import Generator
from inference.model_client import Generation, ModelCallFailed, ModelClient
from llmops.clock import now_ms
from llmops.codec import AvroCodec
from llmops.events import LlmRequest, ModelLineage
from tgi_simulator import SimulatorConfig
from tgi_simulator.server import running_simulator


@pytest.fixture
async def sim_client(sim_url: str) -> AsyncIterator[ModelClient]:
    client = ModelClient(sim_url, timeout_s=10.0)
    yield client
    await client.close()


@pytest.fixture
async def closed_client(closed_url: str) -> AsyncIterator[ModelClient]:
    client = ModelClient(closed_url, timeout_s=5.0)
    yield client
    await client.close()


@pytest.mark.parametrize(("kind", "max_tokens"), [("chat", 8), ("prompt", 6)])
async def test_generates_a_completion(
    sim_client: ModelClient,
    lineage: ModelLineage,
    codec: AvroCodec,
    chat_request: LlmRequest,
    prompt_request: LlmRequest,
    kind: str,
    max_tokens: int,
) -> None:
    request = chat_request if kind == "chat" else prompt_request
    started = now_ms()

    completion = await Generator(sim_client, lineage, max_in_flight=4).complete(request)

    assert completion["error"] is None
    assert completion["text"].strip()
    assert completion["finish_reason"] == "length"  # the simulator never stops early here
    assert completion["usage"]["input_tokens"] > 0
    assert completion["usage"]["output_tokens"] == max_tokens
    assert completion["model"] == lineage
    assert completion["request"] == request
    assert (completion["request_id"], completion["tenant"]) == (request["request_id"], request["tenant"])
    assert completion["timings"]["queue_ms"] >= 0.0
    assert completion["timings"]["total_ms"] >= 0.0
    assert started <= completion["created_at"] <= now_ms()
    assert codec.decode(codec.encode("completion", completion), "completion") == completion


async def test_unknown_model_alias_is_answered_without_calling_the_server(
    closed_client: ModelClient, lineage: ModelLineage, chat_request: LlmRequest
) -> None:
    chat_request["model"] = "gpt-imaginary"

    completion = await Generator(closed_client, lineage, max_in_flight=1).complete(chat_request)

    error = completion["error"]
    assert error is not None
    assert (error["code"], error["http_status"], error["retriable"]) == ("unknown_model", 400, False)
    assert "gpt-imaginary" in error["message"]
    assert (completion["text"], completion["finish_reason"]) == ("", "error")
    assert completion["usage"] == {"input_tokens": 0, "output_tokens": 0}


@pytest.mark.parametrize("kind", ["chat", "prompt"])
async def test_model_server_down_is_a_retriable_503_completion(
    closed_client: ModelClient,
    lineage: ModelLineage,
    chat_request: LlmRequest,
    prompt_request: LlmRequest,
    kind: str,
) -> None:
    request = chat_request if kind == "chat" else prompt_request

    completion = await Generator(closed_client, lineage, max_in_flight=1).complete(request)

    error = completion["error"]
    assert error is not None
    assert (error["code"], error["http_status"], error["retriable"]) == ("backend_error", 503, True)
    assert completion["finish_reason"] == "error"


@pytest.mark.parametrize("kind", ["chat", "prompt"])
async def test_slow_model_server_is_a_retriable_504_completion(
    lineage: ModelLineage, chat_request: LlmRequest, prompt_request: LlmRequest, kind: str
) -> None:
    request = chat_request if kind == "chat" else prompt_request
    request["params"]["max_tokens"] = 1  # the server finishes its one slow token before it stops
    slow = SimulatorConfig(port=0, prefill_ms_per_token=0.0, decode_ms_per_token=600.0, eos_probability=0.0)
    async with running_simulator(slow) as url:
        client = ModelClient(url, timeout_s=0.15)
        try:
            completion = await Generator(client, lineage, max_in_flight=1).complete(request)
        finally:
            await client.close()

    error = completion["error"]
    assert error is not None
    assert (error["code"], error["http_status"], error["retriable"]) == ("backend_error", 504, True)


async def test_chat_request_the_server_rejects_is_a_non_retriable_error(
    sim_client: ModelClient, lineage: ModelLineage, chat_request: LlmRequest
) -> None:
    chat_request["params"]["max_tokens"] = 10_000  # over the simulator's max_total_tokens

    completion = await Generator(sim_client, lineage, max_in_flight=1).complete(chat_request)

    error = completion["error"]
    assert error is not None
    assert error["code"] == "backend_error"
    assert error["retriable"] is False
    assert "422" in error["message"]


async def test_prompt_request_the_server_rejects_is_a_non_retriable_error(
    sim_client: ModelClient, lineage: ModelLineage, prompt_request: LlmRequest
) -> None:
    prompt_request["params"]["max_tokens"] = 10_000

    completion = await Generator(sim_client, lineage, max_in_flight=1).complete(prompt_request)

    error = completion["error"]
    assert error is not None
    assert error["retriable"] is False


class ScriptedClient:
    """Stands in for ModelClient: answers after a delay, or fails, and counts concurrent calls."""

    def __init__(self, delay_s: float = 0.0, failure: ModelCallFailed | None = None) -> None:
        self.delay_s = delay_s
        self.failure = failure
        self.in_flight = 0
        self.peak = 0
        self.calls = 0

    async def generate(self, request: LlmRequest) -> Generation:
        self.calls += 1
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(self.delay_s)
            if self.failure is not None:
                raise self.failure
            return Generation(text="ok", finish_reason="stop", input_tokens=3, output_tokens=1)
        finally:
            self.in_flight -= 1


@pytest.mark.parametrize("max_in_flight", [1, 3])
async def test_model_calls_are_bounded_by_max_in_flight(
    lineage: ModelLineage, chat_request: LlmRequest, max_in_flight: int
) -> None:
    client = ScriptedClient(delay_s=0.02)
    generator = Generator(cast(ModelClient, client), lineage, max_in_flight=max_in_flight)

    completions = await asyncio.gather(*(generator.complete(chat_request) for _ in range(8)))

    assert client.calls == 8
    assert client.peak == max_in_flight
    assert all(c["error"] is None and c["text"] == "ok" for c in completions)


@pytest.mark.parametrize(("status", "retriable"), [(502, False), (503, True), (504, True)])
async def test_model_call_failure_becomes_the_completion_error(
    lineage: ModelLineage, chat_request: LlmRequest, status: int, retriable: bool
) -> None:
    client = ScriptedClient(failure=ModelCallFailed("upstream said no", status, retriable))

    completion = await Generator(cast(ModelClient, client), lineage, max_in_flight=2).complete(chat_request)

    assert completion["error"] == {
        "code": "backend_error",
        "message": "upstream said no",
        "http_status": status,
        "retriable": retriable,
    }
    assert completion["model"] == lineage
