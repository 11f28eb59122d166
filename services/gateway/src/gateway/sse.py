"""Server-sent events in OpenAI's ``chat.completion.chunk`` format."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson

from gateway.openai_models import chat_completion_body
from llmops.events import LlmResponse

_WORDS_PER_CHUNK = 8


async def chat_chunks(response: LlmResponse, created: int) -> AsyncIterator[bytes]:
    """Yield the guarded text as chunks: role first, then text, then finish reason and usage."""
    full = chat_completion_body(response, created)
    base = {"id": full["id"], "object": "chat.completion.chunk", "created": created, "model": full["model"]}
    yield _event(
        {
            **base,
            "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}],
        }
    )
    words = response["text"].split(" ")
    for start in range(0, len(words), _WORDS_PER_CHUNK):
        piece = " ".join(words[start : start + _WORDS_PER_CHUNK])
        if start + _WORDS_PER_CHUNK < len(words):
            piece += " "
        yield _event({**base, "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]})
    finish = full["choices"][0]["finish_reason"]
    yield _event(
        {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}], "usage": full["usage"]}
    )
    yield b"data: [DONE]\n\n"


def _event(payload: dict[str, Any]) -> bytes:
    return b"data: " + orjson.dumps(payload) + b"\n\n"
