"""The HTTP surface driven with plain aiohttp: OpenAI completions, ops routes and errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson
import pytest

METRIC_NAMES = [
    "tgi_request_count",
    "tgi_request_success",
    "tgi_request_failure",
    "tgi_request_duration_bucket",
    "tgi_request_input_length_bucket",
    "tgi_request_generated_tokens_bucket",
    "tgi_queue_size",
    "tgi_batch_current_size",
    "tgi_batch_current_max_tokens",
]


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _events(response: aiohttp.ClientResponse) -> list[bytes]:
    body = await response.read()
    return [chunk for chunk in body.split(b"\n\n") if chunk]


async def test_completions_returns_one_choice_per_prompt_with_usage(
    sim_url: str, http: aiohttp.ClientSession
) -> None:
    payload = {
        "model": "tgi",
        "prompt": ["first prompt", "second, longer prompt"],
        "max_tokens": 5,
        "seed": 1,
    }
    async with http.post(f"{sim_url}/v1/completions", json=payload) as response:
        assert response.status == 200
        body = await response.json()
    assert body["object"] == "text_completion"
    assert [choice["index"] for choice in body["choices"]] == [0, 1]
    assert all(len(choice["text"].split()) == 5 for choice in body["choices"])
    assert all(choice["finish_reason"] == "length" for choice in body["choices"])
    assert body["usage"] == {"prompt_tokens": 2 + 4, "completion_tokens": 10, "total_tokens": 16}


async def test_completions_stream_ends_with_done_and_matches(
    sim_url: str, http: aiohttp.ClientSession
) -> None:
    payload = {"prompt": "stream this", "max_tokens": 4, "seed": 3}
    async with http.post(f"{sim_url}/v1/completions", json=payload) as response:
        whole = (await response.json())["choices"][0]["text"]
    async with http.post(f"{sim_url}/v1/completions", json=payload | {"stream": True}) as response:
        assert response.headers["Content-Type"].startswith("text/event-stream")
        events = await _events(response)
    assert events[-1] == b"data: [DONE]"
    chunks = [orjson.loads(event.removeprefix(b"data: ")) for event in events[:-1]]
    assert "".join(chunk["choices"][0]["text"] for chunk in chunks) == whole
    assert chunks[-1]["choices"][0]["finish_reason"] == "length"
    assert chunks[-1]["usage"]["completion_tokens"] == 4


async def test_generate_stream_uses_tgi_event_spelling(sim_url: str, http: aiohttp.ClientSession) -> None:
    payload = {"inputs": "spell", "parameters": {"max_new_tokens": 3}}
    async with http.post(f"{sim_url}/generate_stream", json=payload) as response:
        events = await _events(response)
    assert len(events) == 3
    assert all(event.startswith(b'data:{"index":') for event in events)


async def test_generate_returns_tgi_shape_and_timing_headers(
    sim_url: str, http: aiohttp.ClientSession
) -> None:
    payload = {
        "inputs": "shape",
        "parameters": {"max_new_tokens": 2, "details": True, "return_full_text": True},
    }
    async with http.post(f"{sim_url}/generate", json=payload) as response:
        body = await response.json()
        headers = response.headers
    assert body["generated_text"].startswith("shape")
    assert set(body["details"]) == {"finish_reason", "generated_tokens", "seed", "prefill", "tokens"}
    assert set(body["details"]["tokens"][0]) == {"id", "text", "logprob", "special"}
    assert (headers["x-prompt-tokens"], headers["x-generated-tokens"]) == ("1", "2")
    assert headers["x-compute-type"] == "gpu+optimized"


async def test_root_route_wraps_the_answer_in_a_list(sim_url: str, http: aiohttp.ClientSession) -> None:
    async with http.post(
        f"{sim_url}/", json={"inputs": "root", "parameters": {"max_new_tokens": 2}}
    ) as response:
        body = await response.json()
    assert isinstance(body, list)
    assert len(body[0]["generated_text"].split()) == 2
    assert "details" not in body[0]


async def test_info_health_models(sim_url: str, http: aiohttp.ClientSession) -> None:
    async with http.get(f"{sim_url}/info") as response:
        info = await response.json()
    for field in ("model_id", "model_sha", "max_input_tokens", "max_total_tokens", "max_concurrent_requests"):
        assert field in info
    assert info["max_batch_total_tokens"] == 16384
    assert info["version"] == "3.3.4"
    async with http.get(f"{sim_url}/health") as response:
        assert response.status == 200
    async with http.get(f"{sim_url}/v1/models") as response:
        assert (await response.json())["data"][0]["id"] == info["model_id"]


async def test_metrics_use_tgi_names(sim_url: str, http: aiohttp.ClientSession) -> None:
    await (await http.post(f"{sim_url}/generate", json={"inputs": "count me"})).read()
    async with http.get(f"{sim_url}/metrics") as response:
        assert response.headers["Content-Type"].startswith("text/plain")
        text = await response.text()
    samples = {line.split(" ")[0].split("{")[0] for line in text.splitlines() if not line.startswith("#")}
    assert set(METRIC_NAMES) <= samples
    assert "tgi_request_count 1.0" in text
    assert "tgi_request_success 1.0" in text
    assert 'tgi_request_input_length_bucket{le="40.95"} 1.0' in text


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/generate", b"{not json", "Failed to deserialize the JSON body"),
        ("/generate", b"[1, 2]", "expected a JSON object"),
        ("/generate", b'{"parameters": {}}', "missing field `inputs`"),
        ("/generate", b'{"inputs": 5}', "inputs: invalid type: integer, expected a string"),
        (
            "/generate",
            b'{"inputs": "x", "parameters": {"max_new_tokens": "5"}}',
            "max_new_tokens: invalid type",
        ),
        ("/generate", b'{"inputs": "x", "parameters": {"max_new_tokens": 0}}', "must be strictly positive"),
        ("/generate", b'{"inputs": "x", "parameters": {"max_new_tokens": 5000}}', "must be <= 4096"),
        ("/generate", b'{"inputs": ""}', "`inputs` cannot be empty"),
        ("/generate_stream", b'{"inputs": 1}', "inputs: invalid type"),
        ("/v1/chat/completions", b'{"messages": []}', "`messages` cannot be empty"),
        ("/v1/chat/completions", b'{"model": "x"}', "missing field `messages`"),
        ("/v1/completions", b'{"max_tokens": 3}', "missing field `prompt`"),
        ("/v1/completions", b'{"prompt": ["a", "b", "c", "d", "e"]}', "maximum allowed batch size of 4"),
    ],
)
async def test_bad_requests_get_422_with_tgi_error_body(
    sim_url: str, http: aiohttp.ClientSession, path: str, body: bytes, message: str
) -> None:
    async with http.post(
        f"{sim_url}{path}", data=body, headers={"Content-Type": "application/json"}
    ) as response:
        assert response.status == 422
        error: dict[str, Any] = await response.json()
    assert message in error["error"]
    assert error["error_type"] in {"validation", "batch size exceeded"}


async def test_too_long_input_is_rejected_422(serve: Any, http: aiohttp.ClientSession) -> None:
    async with serve(max_input_tokens=4, max_total_tokens=8) as (url, _app):
        async with http.post(f"{url}/generate", json={"inputs": "one two three four five"}) as response:
            assert response.status == 422
            assert await response.json() == {
                "error": "Input validation error: `inputs` must have less than 4 tokens. Given: 5",
                "error_type": "validation",
            }
        async with http.get(f"{url}/metrics") as response:
            assert 'tgi_request_failure{err="validation"} 1.0' in await response.text()


async def test_stream_validation_errors_arrive_as_events_like_tgi(
    sim_url: str, http: aiohttp.ClientSession
) -> None:
    payload = {"inputs": "x", "parameters": {"max_new_tokens": 0}}
    async with http.post(f"{sim_url}/generate_stream", json=payload) as response:
        assert response.status == 200
        events = await _events(response)
    error = orjson.loads(events[0].removeprefix(b"data:"))
    assert error["error_type"] == "validation"
    chat = {"messages": [{"role": "user", "content": "x"}], "max_tokens": 0, "stream": True}
    async with http.post(f"{sim_url}/v1/chat/completions", json=chat) as response:
        events = await _events(response)
    assert orjson.loads(events[0].removeprefix(b"data: "))["error_type"] == "validation"
    assert events[-1] == b"data: [DONE]"
