"""``POST /v1/completions``: OpenAI's (legacy) text completions API over the same pipeline."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from gateway.answers import answer, check_request
from gateway.auth import require_scope
from gateway.dependencies import Caller, IdempotencyKey, Runtime, Traceparent
from gateway.errors import error_responses
from gateway.openai_models import CompletionRequest
from gateway.scopes import CHAT

router = APIRouter(tags=["completions"])


@router.post(
    "/v1/completions",
    response_model=None,
    responses=error_responses(400, 401, 403, 404, 413, 415, 422, 429, 503, 504),
)
async def create_completion(
    body: CompletionRequest,
    caller: Caller,
    runtime: Runtime,
    traceparent: Traceparent = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Complete one prompt through inference and guardrails and answer as a ``text_completion``."""
    require_scope(caller, CHAT)
    check_request(runtime, body)
    result = await runtime.dispatcher.call(body, caller, traceparent, idempotency_key)
    return answer(result, "completion", body.stream)
