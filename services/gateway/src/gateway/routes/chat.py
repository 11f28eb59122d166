"""``POST /v1/chat/completions``: OpenAI's chat API over the Kafka pipeline.

The request is produced to ``llm.requests.v1`` with this replica's reply address and
awaited until its guarded response arrives or the deadline passes (504 with the
request id). ``stream=true`` streams the guarded response: output rails must see the
whole text before any of it is released.
"""

from __future__ import annotations

import asyncio
import time
from typing import Annotated

import orjson
from fastapi import APIRouter, Header
from fastapi.responses import Response, StreamingResponse

from gateway.dependencies import Caller, Runtime
from gateway.errors import ApiError
from gateway.openai_models import ChatCompletionRequest, chat_completion_body
from gateway.request_builder import chat_request_event
from gateway.runtime import GatewayRuntime
from gateway.sse import chat_chunks
from llmops import topics
from llmops.errors import LlmopsError
from llmops.events import LlmRequest, LlmResponse, ReplyTo
from llmops.tracing import new_traceparent, trace_id_of

router = APIRouter(tags=["chat"])


@router.post("/v1/chat/completions", response_model=None)
async def create_chat_completion(
    body: ChatCompletionRequest,
    caller: Caller,
    runtime: Runtime,
    traceparent: Annotated[str | None, Header()] = None,
    idempotency_key: Annotated[str | None, Header(max_length=256)] = None,
) -> Response:
    """Run one chat completion through inference and guardrails and answer in OpenAI's shape."""
    if body.model not in runtime.settings.models:
        raise ApiError(
            404,
            f"The model `{body.model}` does not exist",
            "invalid_request_error",
            "model_not_found",
            "model",
        )
    settings = runtime.settings
    reply_to = ReplyTo(topic=settings.reply_topic, partition=settings.reply_partition)
    parent = traceparent if trace_id_of(traceparent) else new_traceparent()
    event = chat_request_event(
        body,
        caller,
        reply_to,
        settings.request_timeout_s,
        settings.default_max_tokens,
        trace_id_of(parent),
        idempotency_key,
    )
    response = await round_trip(runtime, event, new_traceparent(trace_id_of(parent)))
    if response["error"] is not None:
        error = response["error"]
        raise ApiError(error["http_status"], error["message"], "api_error", error["code"])
    created = int(time.time())
    if body.stream:
        return StreamingResponse(
            chat_chunks(response, created),
            media_type="text/event-stream",
            headers={"X-Request-Id": event["request_id"]},
        )
    return Response(
        orjson.dumps(chat_completion_body(response, created)),
        media_type="application/json",
        headers={"X-Request-Id": event["request_id"]},
    )


async def round_trip(runtime: GatewayRuntime, event: LlmRequest, traceparent: str) -> LlmResponse:
    """Produce the request and wait for its response until the request's deadline.

    Raises:
        ApiError: 504 naming the request id when the deadline passes.
    """
    request_id = event["request_id"]
    waiting = runtime.pending.register(request_id)
    try:
        value = runtime.codec.encode(topics.REQUESTS.schema, event)
        headers = [("traceparent", traceparent.encode()), ("content-type", b"application/vnd.apache.avro")]
        try:
            await runtime.producer.send(topics.REQUESTS.name, value, key=request_id.encode(), headers=headers)
        except LlmopsError as exc:
            raise ApiError(
                503,
                f"request could not be queued, retry shortly: {exc}",
                "api_error",
                "queue_unavailable",
                headers={"Retry-After": "1"},
            ) from exc
        return await asyncio.wait_for(waiting, runtime.settings.request_timeout_s)
    except TimeoutError:
        raise ApiError(
            504,
            f"request {request_id} did not complete within {runtime.settings.request_timeout_s:.0f}s",
            "timeout",
            "deadline_exceeded",
            headers={"X-Request-Id": request_id},
        ) from None
    finally:
        runtime.pending.forget(request_id)
