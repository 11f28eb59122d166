"""Render a guarded result as the HTTP answer the caller asked for (JSON or server-sent events)."""

from __future__ import annotations

import time
from typing import Any

import orjson
from fastapi.responses import Response, StreamingResponse

from gateway.errors import ApiError
from gateway.results import body_for
from gateway.runtime import GatewayRuntime
from gateway.sse import result_chunks


def answer(result: dict[str, Any], kind: str, stream: bool) -> Response:
    """The OpenAI answer of a result; an inference error becomes its HTTP error.

    ``stream=true`` streams the *guarded* text: output rails must see the whole
    completion before any of it may be released, so the stream starts once it has passed.
    """
    error = result["error"]
    if error is not None:
        raise ApiError(
            error["status"],
            error["message"],
            "api_error",
            error["code"],
            headers={"X-Request-Id": result["request_id"]},
        )
    created = int(time.time())
    headers = {"X-Request-Id": result["request_id"]}
    if stream:
        return StreamingResponse(
            result_chunks(kind, result, created), media_type="text/event-stream", headers=headers
        )
    return Response(
        orjson.dumps(body_for(kind, result, created)), media_type="application/json", headers=headers
    )


def check_model(runtime: GatewayRuntime, model: str) -> None:
    """404 in OpenAI's words when ``model`` is not a configured alias."""
    if model not in runtime.settings.models:
        raise ApiError(
            404, f"The model `{model}` does not exist", "invalid_request_error", "model_not_found", "model"
        )
