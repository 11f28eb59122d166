"""Isolation between simulators in one process, and clients that leave mid-answer."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from tgi_simulator import SimulatorConfig, running_simulator
from tgi_simulator.state import STATE


async def test_simulators_in_one_process_have_their_own_metrics(serve: Any) -> None:
    a, b = serve(model_id="a/one"), serve(model_id="b/two")
    async with a as (url_a, app_a), b as (url_b, app_b), aiohttp.ClientSession() as http:
        for _ in range(3):
            await (await http.post(f"{url_a}/generate", json={"inputs": "a"})).read()
        async with http.get(f"{url_b}/info") as response:
            assert (await response.json())["model_id"] == "b/two"
    assert app_a[STATE].metrics.requests.value() == 3
    assert app_b[STATE].metrics.requests.value() == 0


async def test_running_simulator_binds_a_free_port() -> None:
    async with running_simulator(SimulatorConfig(port=0)) as url, aiohttp.ClientSession() as http:
        assert url.startswith("http://127.0.0.1:")
        async with http.get(f"{url}/health") as response:
            assert response.status == 200


async def test_a_client_leaving_a_stream_frees_its_slot_and_counts_as_dropped(serve: Any) -> None:
    async with serve(decode_ms_per_token=10.0, max_concurrent_requests=1) as (url, app):
        state = app[STATE]
        async with aiohttp.ClientSession() as http:
            payload = {"inputs": "leave early", "parameters": {"max_new_tokens": 100}}
            response = await http.post(f"{url}/generate_stream", json=payload)
            assert (await response.content.readline()).startswith(b"data:")
            response.close()
            async with asyncio.timeout(5):
                while state.engine.admission.running:  # noqa: ASYNC110
                    await asyncio.sleep(0.005)
            async with http.post(f"{url}/generate", json={"inputs": "next"}) as next_response:
                assert next_response.status == 200
    assert state.metrics.failures.value("dropped") == 1
