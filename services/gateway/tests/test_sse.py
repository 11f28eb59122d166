"""result_chunks: OpenAI chunk server-sent events of the guarded text (chat and text completions)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from gateway.results import guarded_result
from gateway.sse import result_chunks
from llmops.events import LlmResponse

CREATED = 1_763_337_600


async def _events(response: LlmResponse, kind: str = "chat") -> list[bytes]:
    return [event async for event in result_chunks(kind, guarded_result(response), CREATED)]


def _chunks(events: list[bytes]) -> list[dict[str, Any]]:
    """Parse every event but the final ``[DONE]``, checking the SSE framing of each."""
    chunks = []
    for event in events[:-1]:
        assert event.startswith(b"data: ") and event.endswith(b"\n\n"), event
        body = event[len(b"data: ") : -2]
        assert b"\n" not in body, "a raw newline would end the event early"
        chunks.append(orjson.loads(body))
    return chunks


TEXTS = [
    pytest.param("", id="empty"),
    pytest.param("one", id="one-word"),
    pytest.param("one two three four five six seven eight", id="exactly-one-chunk"),
    pytest.param("one two three four five six seven eight nine", id="one-word-over"),
    pytest.param(" ".join(f"w{i}" for i in range(37)), id="many-chunks"),
    pytest.param("  leading, double  and trailing spaces  ", id="odd-spacing"),
    pytest.param("Line one.\n\nLine two:\n- item\r\n- ítem ✓ 東京 🚀", id="newlines-and-unicode"),
    pytest.param('He said "data: [DONE]" \\ and left', id="look-alike-terminator"),
]


@pytest.mark.parametrize("text", TEXTS)
async def test_deltas_concatenate_to_the_text(response: LlmResponse, text: str) -> None:
    response["text"] = text

    chunks = _chunks(await _events(response))

    assert "".join(c["choices"][0]["delta"].get("content", "") for c in chunks) == text


@pytest.mark.parametrize("text", TEXTS)
async def test_events_are_openai_chunks_ending_with_done(response: LlmResponse, text: str) -> None:
    response["text"] = text

    events = await _events(response)
    chunks = _chunks(events)

    assert events[-1] == b"data: [DONE]\n\n"
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert {(c["id"], c["created"], c["model"]) for c in chunks} == {
        (f"chatcmpl-{response['request_id']}", CREATED, "llama-3.1-8b")
    }
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert all(c["choices"][0]["finish_reason"] is None for c in chunks[:-1])
    assert all("usage" not in c for c in chunks[:-1])


async def test_last_chunk_has_finish_reason_and_usage(response: LlmResponse) -> None:
    last = _chunks(await _events(response))[-1]

    assert last["choices"] == [{"index": 0, "delta": {}, "finish_reason": "length"}]
    assert last["usage"] == {"prompt_tokens": 21, "completion_tokens": 12, "total_tokens": 33}


async def test_blocked_response_finishes_with_content_filter(response: LlmResponse) -> None:
    response.update({"action": "block", "text": "This response was blocked by the content policy."})

    last = _chunks(await _events(response))[-1]

    assert last["choices"][0]["finish_reason"] == "content_filter"


@pytest.mark.parametrize("text", TEXTS)
async def test_text_completion_chunks_concatenate_to_the_text(response: LlmResponse, text: str) -> None:
    response["text"] = text

    events = await _events(response, "completion")
    chunks = _chunks(events)

    assert events[-1] == b"data: [DONE]\n\n"
    assert all(c["object"] == "text_completion" for c in chunks)
    assert "".join(c["choices"][0]["text"] for c in chunks) == text
    assert chunks[-1]["choices"][0]["finish_reason"] == "length"
