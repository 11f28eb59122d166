"""Turn an authenticated OpenAI request into a ``request`` event."""

from __future__ import annotations

import uuid

from gateway.auth import Principal
from gateway.openai_models import ChatCompletionRequest, CompletionRequest
from llmops.clock import now_ms
from llmops.events import ChatMessage, GenerationParams, LlmRequest, ReplyTo

OpenAiRequest = ChatCompletionRequest | CompletionRequest


def request_kind(body: OpenAiRequest) -> str:
    """``chat`` or ``completion``: which OpenAI shape the answer takes."""
    return "chat" if isinstance(body, ChatCompletionRequest) else "completion"


def max_tokens_of(body: OpenAiRequest, default_max_tokens: int) -> int:
    """Tokens the caller may receive (what admission reserves)."""
    if isinstance(body, ChatCompletionRequest):
        return body.max_completion_tokens or body.max_tokens or default_max_tokens
    return body.max_tokens or default_max_tokens


def prompt_tokens_estimate(body: OpenAiRequest) -> int:
    """About how many tokens the input is (4 characters per token, 4 tokens of overhead per turn)."""
    if isinstance(body, ChatCompletionRequest):
        return sum(len(m.content) // 4 + 4 for m in body.messages)
    return len(body.prompt_text()) // 4 + 1


def request_event(
    body: OpenAiRequest,
    principal: Principal,
    reply_to: ReplyTo | None,
    deadline_s: float,
    default_max_tokens: int,
    trace_id: str | None,
    idempotency_key: str | None,
) -> LlmRequest:
    """Build the request event (a new request id, the caller's tenant, this replica's reply address)."""
    created = now_ms()
    chat = body if isinstance(body, ChatCompletionRequest) else None
    return {
        "request_id": str(uuid.uuid4()),
        "tenant": principal.tenant,
        "user": body.user or principal.subject,
        "model": body.model,
        "messages": [ChatMessage(role=m.role, content=m.content) for m in chat.messages] if chat else [],
        "prompt": body.prompt_text() if isinstance(body, CompletionRequest) else None,
        "params": _params(body, default_max_tokens),
        "reply_to": reply_to,
        "idempotency_key": idempotency_key,
        "deadline": created + int(deadline_s * 1000),
        "fallback_requested": False,
        "fallback_reason": None,
        "trace_id": trace_id,
        "metadata": dict(chat.metadata or {}) if chat else {},
        "created_at": created,
    }


def _params(body: OpenAiRequest, default_max_tokens: int) -> GenerationParams:
    wants_json = (
        isinstance(body, ChatCompletionRequest)
        and body.response_format is not None
        and body.response_format.type != "text"
    )
    return {
        "max_tokens": max_tokens_of(body, default_max_tokens),
        "temperature": body.temperature,
        "top_p": body.top_p,
        "stop": body.stop_list(),
        "seed": body.seed,
        "response_format": "json_object" if wants_json else None,
    }
