"""Server-sent events, in the two spellings TGI uses.

TGI's own ``/generate_stream`` writes ``data:{json}`` (no space); its OpenAI-compatible
routes write ``data: {json}`` and end with ``data: [DONE]``, which ``huggingface_hub``
and the ``openai`` client match literally.
"""

from __future__ import annotations

from collections.abc import Mapping

import orjson
from aiohttp import web

DONE = b"data: [DONE]\n\n"


def event(payload: object, *, spaced: bool) -> bytes:
    """One ``data:`` event carrying ``payload`` as compact JSON.

    Args:
        payload: Any ``orjson``-serializable value.
        spaced: Write ``data: `` (OpenAI style) instead of ``data:`` (TGI style).
    """
    return (b"data: " if spaced else b"data:") + orjson.dumps(payload) + b"\n\n"


async def open_stream(request: web.Request, headers: Mapping[str, str] | None = None) -> web.StreamResponse:
    """Send the 200 and SSE headers; the caller writes events and ends the stream."""
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no",
            **(headers or {}),
        }
    )
    await response.prepare(request)
    return response
