"""Turn an authenticated OpenAI request into a ``request`` event."""

from __future__ import annotations

import uuid

from gateway.auth import Principal
from gateway.openai_models import ChatCompletionRequest
from llmops.clock import now_ms
from llmops.events import ChatMessage, LlmRequest, ReplyTo


def chat_request_event(
    body: ChatCompletionRequest,
    principal: Principal,
    reply_to: ReplyTo,
    deadline_s: float,
    default_max_tokens: int,
    trace_id: str | None,
    idempotency_key: str | None,
) -> LlmRequest:
    """Build the request event (a new request id, the caller's tenant, this replica's reply address)."""
    created = now_ms()
    max_tokens = body.max_completion_tokens or body.max_tokens or default_max_tokens
    wants_json = body.response_format is not None and body.response_format.type != "text"
    return {
        "request_id": str(uuid.uuid4()),
        "tenant": principal.tenant,
        "user": body.user or principal.subject,
        "model": body.model,
        "messages": [ChatMessage(role=m.role, content=m.content) for m in body.messages],
        "prompt": None,
        "params": {
            "max_tokens": max_tokens,
            "temperature": body.temperature,
            "top_p": body.top_p,
            "stop": body.stop_list(),
            "seed": body.seed,
            "response_format": "json_object" if wants_json else None,
        },
        "reply_to": reply_to,
        "idempotency_key": idempotency_key,
        "deadline": created + int(deadline_s * 1000),
        "fallback_requested": False,
        "fallback_reason": None,
        "trace_id": trace_id,
        "metadata": dict(body.metadata or {}),
        "created_at": created,
    }
