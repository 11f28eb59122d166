"""Turn a request and a model call's outcome into a ``completion`` event."""

from __future__ import annotations

from inference.model_client import Generation
from llmops.clock import now_ms
from llmops.events import InferenceError, LlmCompletion, LlmRequest, ModelLineage, TokenUsage


def completed(
    request: LlmRequest,
    generation: Generation,
    lineage: ModelLineage,
    started_ms: int,
    finished_ms: int,
) -> LlmCompletion:
    """Completion event for a successful generation."""
    usage = TokenUsage(input_tokens=generation.input_tokens, output_tokens=generation.output_tokens)
    return _event(
        request, lineage, started_ms, finished_ms, generation.text, generation.finish_reason, usage, None
    )


def failed(
    request: LlmRequest,
    error: InferenceError,
    lineage: ModelLineage,
    started_ms: int,
    finished_ms: int,
) -> LlmCompletion:
    """Completion event carrying an error, so the caller gets an answer instead of silence."""
    usage = TokenUsage(input_tokens=0, output_tokens=0)
    return _event(request, lineage, started_ms, finished_ms, "", "error", usage, error)


def _event(
    request: LlmRequest,
    lineage: ModelLineage,
    started_ms: int,
    finished_ms: int,
    text: str,
    finish_reason: str,
    usage: TokenUsage,
    error: InferenceError | None,
) -> LlmCompletion:
    return {
        "request_id": request["request_id"],
        "tenant": request["tenant"],
        "request": request,
        "text": text,
        "finish_reason": finish_reason,
        "usage": usage,
        "timings": {
            "queue_ms": float(max(0, started_ms - request["created_at"])),
            "first_token_ms": None,
            "total_ms": float(finished_ms - started_ms),
        },
        "model": lineage,
        "fallback": False,
        "fallback_reason": None,
        "cost_usd": 0.0,
        "attempts": 1,
        "error": error,
        "created_at": now_ms(),
    }
