"""The running simulator driven through ``huggingface_hub.AsyncInferenceClient``, unchanged."""

from __future__ import annotations

import math
from typing import Any

import pytest
from huggingface_hub import AsyncInferenceClient
from huggingface_hub.errors import ValidationError

from tgi_simulator.chat_template import render_chat
from tgi_simulator.tokenizer import count_tokens

MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "What is TGI?"}]


@pytest.mark.parametrize("max_new_tokens", [1, 7, 20, 64])
async def test_text_generation_details_report_exactly_max_new_tokens(
    sim_url: str, max_new_tokens: int
) -> None:
    async with AsyncInferenceClient(base_url=sim_url) as client:
        out = await client.text_generation(
            "Tell me a story.", details=True, max_new_tokens=max_new_tokens, seed=5
        )
    assert out.details is not None
    assert out.details.generated_tokens == max_new_tokens == len(out.details.tokens)
    assert out.details.finish_reason == "length"
    assert out.details.seed == 5
    assert out.details.prefill == []
    assert out.generated_text == "".join(token.text for token in out.details.tokens)


async def test_natural_stop_reports_eos_token(serve: Any) -> None:
    async with serve(eos_probability=1.0) as (url, _app), AsyncInferenceClient(base_url=url) as client:
        out = await client.text_generation("Tell me a story.", details=True, max_new_tokens=50)
    assert out.details is not None
    assert out.details.finish_reason == "eos_token"
    assert math.ceil(0.4 * 50) <= out.details.generated_tokens <= 50


async def test_text_generation_defaults_to_20_tokens_and_plain_text(sim_url: str) -> None:
    async with AsyncInferenceClient(base_url=sim_url) as client:
        text = await client.text_generation("Hello")
    assert isinstance(text, str)
    assert len(text.split()) == 20


async def test_stop_sequence_and_decoder_input_details(sim_url: str) -> None:
    async with AsyncInferenceClient(base_url=sim_url) as client:
        full = await client.text_generation("Hi there", details=True, max_new_tokens=10, seed=1)
        stop = full.generated_text.split()[3]
        out = await client.text_generation(
            "Hi there", details=True, decoder_input_details=True, max_new_tokens=10, seed=1, stop=[stop]
        )
    assert out.details is not None
    assert out.details.finish_reason == "stop_sequence"
    assert out.generated_text.endswith(stop)
    assert [token.text for token in out.details.prefill] == ["Hi", "there"]


async def test_text_generation_stream_yields_every_token_then_the_text(sim_url: str) -> None:
    async with AsyncInferenceClient(base_url=sim_url) as client:
        expected = await client.text_generation("Stream me", max_new_tokens=12, seed=9)
        events = [
            e
            async for e in await client.text_generation(
                "Stream me", stream=True, details=True, max_new_tokens=12, seed=9
            )
        ]
        texts = [
            t async for t in await client.text_generation("Stream me", stream=True, max_new_tokens=12, seed=9)
        ]
    assert [event.index for event in events] == list(range(1, 13))
    assert all(event.generated_text is None and event.details is None for event in events[:-1])
    last = events[-1]
    assert last.generated_text == expected == "".join(texts)
    assert last.details is not None
    assert (last.details.finish_reason, last.details.generated_tokens) == ("length", 12)
    assert last.details.input_length == 2


async def test_chat_completion_reports_usage(sim_url: str) -> None:
    async with AsyncInferenceClient(base_url=sim_url) as client:
        out = await client.chat_completion(MESSAGES, max_tokens=9, seed=2)
    prompt_tokens = count_tokens(render_chat(MESSAGES))
    assert out.choices[0].message.role == "assistant"
    assert len((out.choices[0].message.content or "").split()) == 9
    assert out.choices[0].finish_reason == "length"
    assert (out.usage.prompt_tokens, out.usage.completion_tokens) == (prompt_tokens, 9)
    assert out.usage.total_tokens == prompt_tokens + 9
    assert out.model == "tgi-simulator/sim-8b-instruct"


async def test_chat_completion_stream_matches_the_non_streamed_answer(sim_url: str) -> None:
    async with AsyncInferenceClient(base_url=sim_url) as client:
        whole = await client.chat_completion(MESSAGES, max_tokens=6, seed=4)
        chunks = [
            c
            async for c in await client.chat_completion(
                MESSAGES,
                max_tokens=6,
                seed=4,
                stream=True,
                stream_options={"include_usage": True},
                logprobs=True,
            )
        ]
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == whole.choices[0].message.content
    assert [c.choices[0].finish_reason for c in chunks] == [None] * 5 + ["length"]
    assert all(c.usage is None for c in chunks[:-1])
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == 6
    assert chunks[0].choices[0].logprobs is not None


async def test_too_long_input_raises_validation_error(serve: Any) -> None:
    async with (
        serve(max_input_tokens=8, max_total_tokens=16) as (url, _app),
        AsyncInferenceClient(base_url=url) as client,
    ):
        with pytest.raises(ValidationError, match="must have less than 8 tokens"):
            await client.text_generation("one two three four five six seven eight nine")
        with pytest.raises(ValidationError, match="must have less than 8 tokens"):
            async for _ in await client.text_generation(
                "one two three four five six seven eight nine", stream=True
            ):
                pass
