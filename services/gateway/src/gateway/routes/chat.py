"""``POST /v1/chat/completions``: OpenAI's chat API over the Kafka pipeline.

The request is produced to ``llm.requests.v1`` with this replica's reply address and
awaited until its guarded response arrives or the deadline passes (504 with the
request id; the result stays retrievable at ``GET /v1/requests/{id}``).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from gateway.answers import answer, check_request
from gateway.auth import require_scope
from gateway.dependencies import Caller, IdempotencyKey, Runtime, Traceparent
from gateway.errors import error_responses
from gateway.openai_models import ChatCompletionRequest
from gateway.scopes import CHAT

router = APIRouter(tags=["chat"])


@router.post(
    "/v1/chat/completions",
    response_model=None,
    responses=error_responses(400, 401, 403, 404, 413, 415, 422, 429, 503, 504),
)
async def create_chat_completion(
    body: ChatCompletionRequest,
    caller: Caller,
    runtime: Runtime,
    traceparent: Traceparent = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Run one chat completion through inference and guardrails and answer in OpenAI's shape."""
    require_scope(caller, CHAT)
    check_request(runtime, body)
    result = await runtime.dispatcher.call(body, caller, traceparent, idempotency_key)
    return answer(result, "chat", body.stream)
