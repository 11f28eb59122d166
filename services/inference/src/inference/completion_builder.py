"""Turn a request and a model call's outcome into a ``completion`` event."""

from __future__ import annotations

from dataclasses import dataclass

from inference.catalog import ModelVersion
from inference.model_call import Generation
from llmops.clock import now_ms
from llmops.events import InferenceError, LlmCompletion, LlmRequest, ModelLineage, TokenUsage


@dataclass(frozen=True)
class CallRecord:
    """How the model was called for one request.

    Attributes:
        lineage: The model that answered (or was meant to).
        started_ms: When inference took the request (UTC epoch ms).
        finished_ms: When the last attempt ended.
        attempts: Model calls made (0 when none was).
        fallback_reason: Why the fallback model served it, if it did.
    """

    lineage: ModelLineage
    started_ms: int
    finished_ms: int
    attempts: int = 0
    fallback_reason: str | None = None


def unknown_lineage(alias: str) -> ModelLineage:
    """Lineage of a request whose alias the catalog does not know: no model answered."""
    return ModelLineage(
        alias=alias, version="", model_id="", revision="", endpoint="", backend="", canary=False
    )


def completed(
    request: LlmRequest, generation: Generation, version: ModelVersion, call: CallRecord
) -> LlmCompletion:
    """Completion event for a successful generation, priced by the version that answered."""
    usage = TokenUsage(input_tokens=generation.input_tokens, output_tokens=generation.output_tokens)
    cost = version.cost_usd(generation.input_tokens, generation.output_tokens)
    return _event(request, call, generation.text, generation.finish_reason, usage, cost, None)


def failed(request: LlmRequest, error: InferenceError, call: CallRecord) -> LlmCompletion:
    """Completion event carrying an error, so the caller gets an answer instead of silence."""
    usage = TokenUsage(input_tokens=0, output_tokens=0)
    return _event(request, call, "", "error", usage, 0.0, error)


def _event(
    request: LlmRequest,
    call: CallRecord,
    text: str,
    finish_reason: str,
    usage: TokenUsage,
    cost_usd: float,
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
            "queue_ms": float(max(0, call.started_ms - request["created_at"])),
            "first_token_ms": None,
            "total_ms": float(max(0, call.finished_ms - call.started_ms)),
        },
        "model": call.lineage,
        "fallback": call.fallback_reason is not None,
        "fallback_reason": call.fallback_reason,
        "cost_usd": cost_usd,
        "attempts": call.attempts,
        "error": error,
        "created_at": now_ms(),
    }
