"""Server-sent events in OpenAI's chunk formats (``chat.completion.chunk``, ``text_completion``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson

from gateway.results import body_for

_WORDS_PER_CHUNK = 8


def _pieces(text: str) -> list[str]:
    """The text in chunks of a few words, joined back exactly."""
    words = text.split(" ")
    return [
        " ".join(words[start : start + _WORDS_PER_CHUNK])
        + (" " if start + _WORDS_PER_CHUNK < len(words) else "")
        for start in range(0, len(words), _WORDS_PER_CHUNK)
    ]


async def result_chunks(kind: str, result: dict[str, Any], created: int) -> AsyncIterator[bytes]:
    """Yield the guarded text as chunks of ``kind`` (``chat`` or ``completion``), then ``[DONE]``."""
    full = body_for(kind, result, created)
    finish = full["choices"][0]["finish_reason"]
    if kind == "chat":
        base = {
            "id": full["id"],
            "object": "chat.completion.chunk",
            "created": created,
            "model": full["model"],
        }
        yield _event(
            {
                **base,
                "choices": [
                    {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
                ],
            }
        )
        for piece in _pieces(result["text"]):
            yield _event(
                {**base, "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
            )
        last: dict[str, Any] = {"index": 0, "delta": {}, "finish_reason": finish}
    else:
        base = {"id": full["id"], "object": "text_completion", "created": created, "model": full["model"]}
        for piece in _pieces(result["text"]):
            yield _event(
                {**base, "choices": [{"index": 0, "text": piece, "finish_reason": None, "logprobs": None}]}
            )
        last = {"index": 0, "text": "", "finish_reason": finish, "logprobs": None}
    yield _event({**base, "choices": [last], "usage": full["usage"], "llmops": full["llmops"]})
    yield b"data: [DONE]\n\n"


def _event(payload: dict[str, Any]) -> bytes:
    return b"data: " + orjson.dumps(payload) + b"\n\n"
