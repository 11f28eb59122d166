"""The latency model and the concurrency limit, observed from outside.

Timing assertions are lower bounds only: a loaded machine can make anything slower,
never faster than the model says.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
from huggingface_hub import AsyncInferenceClient
from huggingface_hub.errors import OverloadedError

from tgi_simulator.latency import LatencyModel
from tgi_simulator.state import STATE

TOLERANCE_S = 0.001


@pytest.mark.parametrize(
    ("prefill_ms", "decode_ms", "input_tokens", "output_tokens", "total_s", "first_token_s"),
    [
        (0.0, 0.0, 100, 10, 0.0, 0.0),
        (0.2, 25.0, 1000, 20, 0.7, 0.225),
        (1.0, 5.0, 0, 10, 0.05, 0.005),
        (0.5, 10.0, 10, 0, 0.005, 0.015),
    ],
)
def test_latency_model_formula(
    prefill_ms: float,
    decode_ms: float,
    input_tokens: int,
    output_tokens: int,
    total_s: float,
    first_token_s: float,
) -> None:
    model = LatencyModel(prefill_ms, decode_ms)
    assert model.total_s(input_tokens, output_tokens) == pytest.approx(total_s)
    assert model.token_ready_s(input_tokens, 0) == pytest.approx(first_token_s)


async def test_decode_time_is_a_lower_bound_on_request_time(serve: Any) -> None:
    async with serve(decode_ms_per_token=5.0) as (url, _app), AsyncInferenceClient(base_url=url) as client:
        started = time.perf_counter()
        await client.text_generation("time me", max_new_tokens=10)
        elapsed = time.perf_counter() - started
    assert elapsed >= 0.050 - TOLERANCE_S


async def test_prefill_time_scales_with_input_tokens(serve: Any) -> None:
    async with serve(prefill_ms_per_token=1.0) as (url, _app), AsyncInferenceClient(base_url=url) as client:
        started = time.perf_counter()
        await client.text_generation(" ".join(["word"] * 60), max_new_tokens=1)
        elapsed = time.perf_counter() - started
    assert elapsed >= 0.060 - TOLERANCE_S


async def test_streamed_tokens_take_at_least_the_decode_time(serve: Any) -> None:
    # Only a lower bound on the whole stream: the client may read several tokens in one
    # chunk when the machine is busy, so spacing between arrivals is not observable.
    async with serve(decode_ms_per_token=5.0) as (url, _app), AsyncInferenceClient(base_url=url) as client:
        started = time.perf_counter()
        arrivals = [
            time.perf_counter()
            async for _ in await client.text_generation("pace", stream=True, max_new_tokens=10)
        ]
    assert len(arrivals) == 10
    assert arrivals[-1] - started >= 10 * 0.005 - TOLERANCE_S


async def test_requests_beyond_the_limit_wait_in_the_queue(serve: Any) -> None:
    async with serve(max_concurrent_requests=1, decode_ms_per_token=20.0) as (url, app):
        admission = app[STATE].engine.admission
        async with AsyncInferenceClient(base_url=url) as client, aiohttp.ClientSession() as http:
            finished: list[str] = []

            async def call(name: str) -> None:
                await client.text_generation(name, max_new_tokens=10)
                finished.append(name)

            started = time.perf_counter()
            first = asyncio.create_task(call("first"))
            await _until(lambda: admission.running == 1)
            second = asyncio.create_task(call("second"))
            await _until(lambda: admission.waiting == 1)
            async with http.get(f"{url}/metrics") as response:
                metrics = await response.text()
            await asyncio.gather(first, second)
            elapsed = time.perf_counter() - started
    assert "tgi_queue_size 1.0" in metrics
    assert "tgi_batch_current_size 1.0" in metrics
    assert finished == ["first", "second"]
    assert elapsed >= 2 * 10 * 0.020 - TOLERANCE_S


async def test_a_full_queue_answers_429_overloaded(serve: Any) -> None:
    async with serve(max_concurrent_requests=1, max_queue=0, decode_ms_per_token=50.0) as (url, app):
        admission = app[STATE].engine.admission
        async with AsyncInferenceClient(base_url=url) as client, aiohttp.ClientSession() as http:
            first = asyncio.create_task(client.text_generation("first", max_new_tokens=4))
            await _until(lambda: admission.running == 1)
            with pytest.raises(OverloadedError):
                await client.text_generation("second", max_new_tokens=4)
            async with http.post(f"{url}/generate", json={"inputs": "third"}) as response:
                assert response.status == 429
                assert await response.json() == {"error": "Model is overloaded", "error_type": "overloaded"}
            assert len((await first).split()) == 4
            async with http.get(f"{url}/metrics") as response:
                assert 'tgi_request_failure{err="overloaded"} 2.0' in await response.text()


async def _until(condition: Callable[[], bool], timeout_s: float = 5.0) -> None:
    """Poll server state from outside; the simulator has no event to wait on, on purpose."""
    async with asyncio.timeout(timeout_s):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.001)
