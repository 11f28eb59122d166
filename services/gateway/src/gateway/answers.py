"""Render a guarded result as the HTTP answer the caller asked for (JSON or server-sent events)."""

from __future__ import annotations

import time
from typing import Any

import orjson
from fastapi.responses import Response, StreamingResponse

from gateway.errors import ApiError
from gateway.openai_models import ChatCompletionRequest
from gateway.request_builder import OpenAiRequest, max_tokens_of, prompt_tokens_estimate
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


def check_request(runtime: GatewayRuntime, body: OpenAiRequest) -> None:
    """Refuse an unknown model (404) and too many tokens (400 naming the field)."""
    settings = runtime.settings
    if body.model not in settings.models:
        raise ApiError(
            404,
            f"The model `{body.model}` does not exist",
            "invalid_request_error",
            "model_not_found",
            "model",
        )
    wanted = max_tokens_of(body, settings.default_max_tokens)
    if wanted > settings.max_output_tokens:
        field = "max_completion_tokens" if getattr(body, "max_completion_tokens", None) else "max_tokens"
        raise ApiError(
            400,
            f"{field}: at most {settings.max_output_tokens} tokens may be generated per request",
            "invalid_request_error",
            "token_limit_exceeded",
            field,
        )
    estimated = prompt_tokens_estimate(body)
    if estimated > settings.max_input_tokens:
        field = "messages" if isinstance(body, ChatCompletionRequest) else "prompt"
        raise ApiError(
            400,
            f"{field}: about {estimated} tokens, more than the limit of {settings.max_input_tokens}",
            "invalid_request_error",
            "context_length_exceeded",
            field,
        )
