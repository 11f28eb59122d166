"""Generator against real (simulated) model servers: both API shapes, lineage, cost, errors.

Every failure must come back as a completion carrying an error, never as an exception:
an exception in the handler leaves the request unacknowledged and the caller waiting.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from inference.generate import Generator
from inference.metric_defs import COMPLETIONS, COST_USD, TOKENS
from inference.wiring import generator_of
from llmops.clock import now_ms
from llmops.codec import AvroCodec
from llmops.events import LlmRequest

GeneratorFactory = Callable[..., Generator]


@pytest.fixture
async def generator_for(
    write_catalog: Callable[..., Path],
    make_settings: Callable[..., Any],
    version_spec: Callable[..., dict[str, Any]],
) -> AsyncIterator[GeneratorFactory]:
    """``generator_for(url, fallback_url=None, **version_fields)``: one alias ``llama-3.1-8b``."""

    def build(
        url: str, fallback_url: str | None = None, settings: dict[str, Any] | None = None, **fields: Any
    ) -> Generator:
        aliases: dict[str, Any] = {"llama-3.1-8b": {"versions": [version_spec(url, **fields)]}}
        if fallback_url is not None:
            aliases["llama-3.1-8b"]["fallback"] = "small"
            small = version_spec(fallback_url, model_id="Qwen/Qwen2.5-0.5B-Instruct", input_price_per_1k=0.01)
            aliases["small"] = {"versions": [small]}
        built.append(generator_of(make_settings(write_catalog(aliases), **(settings or {}))))
        return built[-1]

    built: list[Generator] = []
    yield build
    for generator in built:
        await generator.close()


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
@pytest.mark.parametrize("backend", ["tgi", "openai"])
@pytest.mark.parametrize("kind", ["chat", "prompt"])
async def test_both_api_shapes_generate_a_priced_completion_with_lineage(
    generator_for: GeneratorFactory,
    sim_url: str,
    codec: AvroCodec,
    chat_request: LlmRequest,
    prompt_request: LlmRequest,
    backend: str,
    kind: str,
    transport: str,
) -> None:
    request = chat_request if kind == "chat" else prompt_request
    request["tenant"] = f"tenant-{backend}-{kind}-{transport}"
    started = now_ms()
    ok_before = COMPLETIONS.labels("llama-3.1-8b", "1", "false", "ok")._value.get()

    generator = generator_for(sim_url, backend=backend, settings={"http_transport": transport})
    completion = await generator.complete(request)

    assert completion["error"] is None
    assert completion["text"].strip()
    assert completion["finish_reason"] == "length"  # the simulator never stops early here
    usage = completion["usage"]
    assert usage["input_tokens"] > 0
    assert usage["output_tokens"] == request["params"]["max_tokens"]
    assert completion["cost_usd"] == pytest.approx(
        (usage["input_tokens"] * 0.2 + usage["output_tokens"] * 0.6) / 1000
    )
    assert completion["model"] == {
        "alias": "llama-3.1-8b",
        "version": "1",
        "model_id": "meta-llama/Llama-3.1-8B-Instruct",
        "revision": "abc123",
        "endpoint": sim_url,
        "backend": backend,
        "canary": False,
    }
    assert (completion["fallback"], completion["fallback_reason"], completion["attempts"]) == (False, None, 1)
    assert completion["request"] == request
    assert started <= completion["created_at"] <= now_ms()
    assert codec.decode(codec.encode("completion", completion), "completion") == completion
    labels = (request["tenant"], "llama-3.1-8b", "1")
    assert COMPLETIONS.labels("llama-3.1-8b", "1", "false", "ok")._value.get() == ok_before + 1
    assert TOKENS.labels(*labels, "output")._value.get() == usage["output_tokens"]
    assert COST_USD.labels(*labels)._value.get() == pytest.approx(completion["cost_usd"])


async def test_canary_completions_carry_the_flag_and_are_counted_per_version(
    write_catalog: Callable[..., Path],
    make_settings: Callable[..., Any],
    version_spec: Callable[..., dict[str, Any]],
    sim_url: str,
    chat_request: LlmRequest,
) -> None:
    stable = version_spec(sim_url, "10", weight=50)
    canary = version_spec(sim_url, "11", weight=50, canary=True, backend="openai")
    generator = generator_of(make_settings(write_catalog({"llama-3.1-8b": {"versions": [stable, canary]}})))
    request_close = generator.close
    before = {
        v: COMPLETIONS.labels("llama-3.1-8b", v, c, "ok")._value.get()
        for v, c in (("10", "false"), ("11", "true"))
    }

    completions = [await generator.complete({**chat_request, "request_id": f"c-{i}"}) for i in range(40)]

    await request_close()
    seen = {(c["model"]["version"], c["model"]["canary"], c["model"]["backend"]) for c in completions}
    assert seen == {("10", False, "tgi"), ("11", True, "openai")}
    for version, flag in (("10", "false"), ("11", "true")):
        served = sum(c["model"]["version"] == version for c in completions)
        assert (
            COMPLETIONS.labels("llama-3.1-8b", version, flag, "ok")._value.get() == before[version] + served
        )


async def test_generation_is_capped_to_the_versions_output_limit(
    generator_for: GeneratorFactory, sim_url: str, chat_request: LlmRequest
) -> None:
    chat_request["params"]["max_tokens"] = 50
    completion = await generator_for(sim_url, max_output_tokens=5).complete(chat_request)
    assert completion["usage"]["output_tokens"] == 5


async def test_unknown_model_alias_is_answered_without_calling_the_server(
    generator_for: GeneratorFactory, closed_url: str, chat_request: LlmRequest
) -> None:
    chat_request["model"] = "gpt-imaginary"

    completion = await generator_for(closed_url).complete(chat_request)

    error = completion["error"]
    assert error is not None
    assert (error["code"], error["http_status"], error["retriable"]) == ("unknown_model", 404, False)
    assert "gpt-imaginary" in error["message"] and "llama-3.1-8b" in error["message"]
    assert (completion["text"], completion["finish_reason"], completion["attempts"]) == ("", "error", 0)
    assert completion["model"]["alias"] == "gpt-imaginary"


@pytest.mark.parametrize("kind", ["chat", "prompt"])
async def test_model_server_down_is_retried_then_a_retriable_503_completion(
    generator_for: GeneratorFactory,
    closed_url: str,
    chat_request: LlmRequest,
    prompt_request: LlmRequest,
    kind: str,
) -> None:
    request = chat_request if kind == "chat" else prompt_request
    request["deadline"] = now_ms() + 30_000

    completion = await generator_for(closed_url, settings={"retry_attempts": 3}).complete(request)

    error = completion["error"]
    assert error is not None
    assert (error["code"], error["http_status"], error["retriable"]) == ("backend_error", 503, True)
    assert (completion["finish_reason"], completion["attempts"]) == ("error", 3)


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
async def test_slow_model_server_is_a_retriable_504_completion(
    generator_for: GeneratorFactory, fresh_sim: Callable[..., Any], chat_request: LlmRequest, transport: str
) -> None:
    chat_request["params"]["max_tokens"] = 1
    chat_request["deadline"] = now_ms() + 30_000
    async with fresh_sim(decode_ms_per_token=600.0) as url:
        settings = {"request_timeout_s": 0.15, "retry_attempts": 2, "http_transport": transport}
        completion = await generator_for(url, settings=settings).complete(chat_request)

    error = completion["error"]
    assert error is not None
    assert (error["code"], error["http_status"], error["retriable"], completion["attempts"]) == (
        "timeout",
        504,
        True,
        2,
    )


@pytest.mark.parametrize("backend", ["tgi", "openai"])
@pytest.mark.parametrize("kind", ["chat", "prompt"])
async def test_request_the_server_rejects_is_a_non_retriable_400(
    generator_for: GeneratorFactory,
    sim_url: str,
    chat_request: LlmRequest,
    prompt_request: LlmRequest,
    backend: str,
    kind: str,
) -> None:
    request = chat_request if kind == "chat" else prompt_request
    request["params"]["max_tokens"] = 10_000  # over the simulator's max_total_tokens

    completion = await generator_for(sim_url, backend=backend, max_output_tokens=20_000).complete(request)

    error = completion["error"]
    assert error is not None
    assert (error["code"], error["http_status"], error["retriable"], completion["attempts"]) == (
        "invalid_request",
        400,
        False,
        1,
    )


async def test_request_past_its_deadline_is_not_sent(
    generator_for: GeneratorFactory, sim_url: str, chat_request: LlmRequest
) -> None:
    chat_request["deadline"] = now_ms() - 1

    completion = await generator_for(sim_url).complete(chat_request)

    error = completion["error"]
    assert error is not None
    assert (error["http_status"], completion["attempts"]) == (504, 0)


@pytest.mark.parametrize("kind", ["chat", "prompt"])
@pytest.mark.parametrize(
    ("plan", "status"), [({"overloaded_rate": 1.0}, 503), ({"outage": True}, 503), ({"error_rate": 1.0}, 502)]
)
async def test_failing_server_is_retried_within_bounds(
    generator_for: GeneratorFactory,
    fresh_sim: Callable[..., Any],
    chat_request: LlmRequest,
    prompt_request: LlmRequest,
    plan: dict[str, Any],
    status: int,
    kind: str,
) -> None:
    request = chat_request if kind == "chat" else prompt_request
    async with fresh_sim() as url:
        async with aiohttp.ClientSession() as http, http.put(f"{url}/admin/faults", json=plan) as response:
            assert response.status == 200
        completion = await generator_for(url, settings={"retry_attempts": 3}).complete(request)

    error = completion["error"]
    assert error is not None
    retried = status == 503  # 503 overloaded or down is retried; a generation error (500) is not
    assert (error["http_status"], completion["attempts"]) == (status, 3 if retried else 1)
