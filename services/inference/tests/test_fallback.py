"""Load-driven fallback to the small model: each trigger, recorded on the completion.

Triggers: the gateway's ``fallback_requested`` flag, an open circuit breaker, and a
saturated primary (this worker's in-flight calls, or the server's own ``tgi_queue_size``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from huggingface_hub import AsyncInferenceClient

from inference.breaker import BreakerState
from inference.generate import Generator
from inference.metric_defs import FALLBACKS
from inference.wiring import generator_of
from llmops.events import LlmRequest

PRIMARY_MODEL = "meta-llama/Llama-3.1-8B-Instruct"
SMALL_MODEL = "Qwen/Qwen2.5-0.5B-Instruct"


@pytest.fixture
async def generator_for(
    write_catalog: Callable[..., Path],
    make_settings: Callable[..., Any],
    version_spec: Callable[..., dict[str, Any]],
    sim_url: str,
) -> AsyncIterator[Callable[..., Generator]]:
    """``generator_for(primary_url, max_in_flight=8, **settings)``, falling back to ``sim_url``."""

    def build(primary_url: str, max_in_flight: int = 8, **settings: Any) -> Generator:
        small = version_spec(sim_url, model_id=SMALL_MODEL, input_price_per_1k=0.01, output_price_per_1k=0.02)
        aliases = {
            "llama-3.1-8b": {
                "fallback": "small",
                "versions": [version_spec(primary_url, max_in_flight=max_in_flight)],
            },
            "small": {"versions": [small]},
        }
        built.append(generator_of(make_settings(write_catalog(aliases), **settings)))
        return built[-1]

    built: list[Generator] = []
    yield build
    for generator in built:
        await generator.close()


async def _set_faults(url: str, **plan: Any) -> None:
    async with aiohttp.ClientSession() as session, session.put(f"{url}/admin/faults", json=plan) as response:
        assert response.status == 200


@pytest.fixture
async def primary(fresh_sim: Callable[..., Any]) -> AsyncIterator[str]:
    """A primary simulator of this test alone (faults are set on it)."""
    async with fresh_sim() as url:
        yield url
        await _set_faults(url, hang_rate=0.0, outage=False)


def _assert_served_by_fallback(completion: Any, reason_prefix: str, sim_url: str) -> None:
    assert completion["error"] is None
    assert completion["fallback"] is True
    assert completion["fallback_reason"].startswith(reason_prefix)
    assert (completion["model"]["alias"], completion["model"]["model_id"]) == ("small", SMALL_MODEL)
    assert completion["model"]["endpoint"] == sim_url
    usage = completion["usage"]
    assert completion["cost_usd"] == pytest.approx(
        (usage["input_tokens"] * 0.01 + usage["output_tokens"] * 0.02) / 1000
    )


async def test_request_flagged_over_quota_goes_to_the_fallback(
    generator_for: Callable[..., Generator], primary: str, sim_url: str, chat_request: LlmRequest
) -> None:
    chat_request["fallback_requested"] = True
    chat_request["fallback_reason"] = "over_quota"
    before = FALLBACKS.labels("llama-3.1-8b", "requested")._value.get()

    completion = await generator_for(primary).complete(chat_request)

    _assert_served_by_fallback(completion, "requested: over_quota", sim_url)
    assert FALLBACKS.labels("llama-3.1-8b", "requested")._value.get() == before + 1


async def test_open_breaker_sends_requests_to_the_fallback(
    generator_for: Callable[..., Generator], primary: str, sim_url: str, chat_request: LlmRequest
) -> None:
    generator = generator_for(primary, breaker_min_calls=2, breaker_window=4, retry_attempts=1)
    endpoint = generator.router.endpoints[primary]
    await _set_faults(primary, outage=True)

    failures = [await generator.complete(with_id(chat_request, f"r{i}")) for i in range(2)]

    assert all(c["error"] is not None and c["error"]["http_status"] == 503 for c in failures)
    assert all(c["fallback"] is False for c in failures)
    assert endpoint.breaker.state is BreakerState.OPEN
    _assert_served_by_fallback(await generator.complete(chat_request), "breaker_open", sim_url)


async def test_saturated_primary_sends_requests_to_the_fallback(
    generator_for: Callable[..., Generator], primary: str, sim_url: str, chat_request: LlmRequest
) -> None:
    generator = generator_for(primary, max_in_flight=2, fallback_in_flight_share=1.0, request_timeout_s=30.0)
    endpoint = generator.router.endpoints[primary]
    await _set_faults(primary, hang_rate=1.0)
    held = [asyncio.ensure_future(generator.complete(with_id(chat_request, f"h{i}"))) for i in range(2)]
    await until(lambda: endpoint.in_flight == 2)

    _assert_served_by_fallback(
        await generator.complete(chat_request), "saturated: 2 calls in flight", sim_url
    )

    await _set_faults(primary, hang_rate=0.0)
    assert all(c["error"] is None and c["fallback"] is False for c in await asyncio.gather(*held))


async def test_long_server_queue_sends_requests_to_the_fallback(
    generator_for: Callable[..., Generator],
    fresh_sim: Callable[..., Any],
    sim_url: str,
    chat_request: LlmRequest,
) -> None:
    async with fresh_sim(max_concurrent_requests=1, decode_ms_per_token=100.0) as url:
        generator = generator_for(url, fallback_queue_threshold=1.0)
        endpoint = generator.router.endpoints[url]
        async with AsyncInferenceClient(base_url=url) as direct, aiohttp.ClientSession() as http:
            busy = [
                asyncio.ensure_future(direct.text_generation(f"fill {i}", max_new_tokens=3)) for i in range(3)
            ]
            for _ in range(500):
                load = await endpoint.probe.refresh(http)
                if load is not None and load.queue_size >= 2:
                    break
                await asyncio.sleep(0.01)

            _assert_served_by_fallback(
                await generator.complete(chat_request), "saturated: server queue 2", sim_url
            )
            await asyncio.gather(*busy)
            await endpoint.probe.refresh(http)

        assert (await generator.complete(chat_request))["fallback"] is False


def with_id(request: LlmRequest, request_id: str, model: str | None = None) -> LlmRequest:
    """A copy of ``request`` under another id (and model)."""
    copy: LlmRequest = {**request, "request_id": request_id}
    if model is not None:
        copy["model"] = model
    return copy


async def until(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    """Wait until ``condition()`` holds (fails the test after ``timeout_s``)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.005)
