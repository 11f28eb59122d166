"""Continuous batching, the run-time fault plan and the content modes."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from huggingface_hub import AsyncInferenceClient

from tgi_simulator.admission import Admission, Sequence
from tgi_simulator.content import ABUSIVE, PII, SECRETS, contaminate
from tgi_simulator.faults import FaultPlan
from tgi_simulator.generation import generate
from tgi_simulator.latency import LatencyModel
from tgi_simulator.state import STATE

ZERO = LatencyModel(0.0, 0.0)


@pytest.mark.parametrize(
    ("batch", "prefill_tokens", "step_ms"),
    [(1, 0, 12.0), (2, 0, 12.2), (65, 0, 24.8), (1, 1000, 162.0)],
)
def test_step_time_grows_with_batch_and_prefill(batch: int, prefill_tokens: int, step_ms: float) -> None:
    model = LatencyModel(
        prefill_ms_per_token=0.15, decode_ms_per_token=12.0, decode_ms_per_batched_request=0.2
    )
    assert model.step_s(batch, prefill_tokens) * 1000 == pytest.approx(step_ms)


async def test_requests_share_decode_steps() -> None:
    admission = Admission(max_running=8, max_waiting=100, max_batch_tokens=10_000, latency=ZERO)
    sequences = [Sequence(input_tokens=3, reserved_tokens=13, output_tokens=10) for _ in range(8)]
    for sequence in sequences:
        admission.submit(sequence)
    await asyncio.gather(*(s.wait_for(10) for s in sequences))
    await admission.close()
    assert admission.steps == 10  # one batch of eight, not 80 sequential steps


@pytest.mark.parametrize(
    ("max_running", "max_batch_tokens", "expected_running"),
    [(8, 10_000, 8), (3, 10_000, 3), (8, 40, 4), (8, 5, 1)],
)
async def test_batch_respects_request_and_token_limits(
    max_running: int, max_batch_tokens: int, expected_running: int
) -> None:
    admission = Admission(max_running, max_waiting=100, max_batch_tokens=max_batch_tokens, latency=ZERO)
    for _ in range(8):
        admission.submit(Sequence(input_tokens=2, reserved_tokens=10, output_tokens=3))
    admitted = admission._admit(0.0)
    assert (len(admitted), admission.running, admission.waiting) == (
        expected_running,
        expected_running,
        8 - expected_running,
    )
    await admission.close()


def test_full_queue_refuses_with_429() -> None:
    admission = Admission(max_running=1, max_waiting=1, max_batch_tokens=100, latency=ZERO)
    admission._batch.append(Sequence(1, 2, 1))
    admission._queue.append(Sequence(1, 2, 1))
    with pytest.raises(Exception, match="overloaded") as info:
        admission.submit(Sequence(1, 2, 1))
    assert getattr(info.value, "status", None) == 429


async def _set_faults(session: aiohttp.ClientSession, url: str, **plan: Any) -> dict[str, Any]:
    async with session.put(f"{url}/admin/faults", json=plan) as response:
        assert response.status == 200, await response.text()
        body: dict[str, Any] = await response.json()
        return body


@pytest.mark.parametrize(
    ("plan", "status", "error_type"),
    [
        ({"outage": True}, 503, "unavailable"),
        ({"overloaded_rate": 1.0}, 503, "overloaded"),
        ({"error_rate": 1.0}, 500, "generation"),
    ],
)
async def test_fault_plan_switches_answers_at_run_time(
    serve: Any, plan: dict[str, Any], status: int, error_type: str
) -> None:
    async with serve() as (url, _app), aiohttp.ClientSession() as session:
        await _set_faults(session, url, **plan)
        async with session.post(f"{url}/generate", json={"inputs": "hello"}) as response:
            assert response.status == status
            assert (await response.json())["error_type"] == error_type
        async with session.delete(f"{url}/admin/faults") as response:
            assert (await response.json())["outage"] is False
        async with session.post(f"{url}/generate", json={"inputs": "hello"}) as response:
            assert response.status == 200


async def test_outage_takes_health_down_too(serve: Any) -> None:
    async with serve() as (url, _app), aiohttp.ClientSession() as session:
        await _set_faults(session, url, outage=True)
        async with session.get(f"{url}/health") as response:
            assert response.status == 503


async def test_hung_requests_resume_when_the_plan_changes(serve: Any) -> None:
    async with serve() as (url, app), AsyncInferenceClient(base_url=url) as client:
        async with aiohttp.ClientSession() as session:
            await _set_faults(session, url, hang_rate=1.0)
            pending = asyncio.ensure_future(client.text_generation("wait for me", max_new_tokens=3))
            await asyncio.sleep(0.05)
            assert not pending.done()
            assert app[STATE].engine.admission.waiting == 0  # hung before the queue
            await _set_faults(session, url, hang_rate=0.0)
        assert len((await pending).split()) == 3


@pytest.mark.parametrize(
    "body", [{"error_rate": 2}, {"nope": 1}, {"outage": "yes"}, {"content_mode": "x"}, [1]]
)
async def test_bad_fault_settings_are_rejected(serve: Any, body: Any) -> None:
    async with (
        serve() as (url, _app),
        aiohttp.ClientSession() as session,
        session.put(f"{url}/admin/faults", json=body) as response,
    ):
        assert response.status == 400


@pytest.mark.parametrize(("mode", "sentences"), [("pii", PII), ("secrets", SECRETS), ("abusive", ABUSIVE)])
def test_content_modes_put_a_sentence_in_every_language(mode: str, sentences: dict[str, str]) -> None:
    seen: set[str] = set()
    for i in range(60):
        clean = generate(f"prompt {i}", max_new_tokens=40)
        text = contaminate(clean, f"prompt {i}", mode, 1.0).text
        assert len(text.split()) == 40
        seen |= {lang for lang, sentence in sentences.items() if text.endswith(sentence)}
    assert seen == set(sentences)


def test_content_rate_is_a_share_of_prompts() -> None:
    clean = [generate(f"p{i}", max_new_tokens=30) for i in range(400)]
    dirty = sum(contaminate(g, f"p{i}", "mixed", 0.25) != g for i, g in enumerate(clean))
    assert 60 <= dirty <= 140
    assert all(contaminate(g, f"p{i}", "clean", 1.0) == g for i, g in enumerate(clean))


async def test_content_mode_reaches_the_http_answer(serve: Any) -> None:
    async with serve() as (url, _app), aiohttp.ClientSession() as session:
        await _set_faults(session, url, content_mode="secrets", content_rate=1.0)
        async with AsyncInferenceClient(base_url=url) as client:
            text = await client.text_generation("leak something", max_new_tokens=30)
    assert any(text.endswith(s) for s in SECRETS.values())


def test_fault_plan_validates_shares() -> None:
    with pytest.raises(ValueError, match="hang_rate"):
        FaultPlan(hang_rate=1.5)
    with pytest.raises(ValueError, match="numbers"):
        FaultPlan().updated({"spike_ms": "slow"})
