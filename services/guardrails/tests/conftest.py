"""Fixtures of the guardrails tests: a realistic completion event to guard."""

from __future__ import annotations

import pytest

from llmops.events import (
    ChatMessage,
    GenerationParams,
    InferenceTimings,
    LlmCompletion,
    LlmRequest,
    ModelLineage,
    ReplyTo,
    TokenUsage,
)

# Mid-November 2025, UTC epoch milliseconds.
T0 = 1_763_337_600_000


@pytest.fixture
def request_event() -> LlmRequest:
    """A chat request whose turns carry no personal data."""
    return {
        "request_id": "3f8e2b1a-9c4d-4e7f-a6b5-0d1c2e3f4a5b",
        "tenant": "acme",
        "user": "dev-user",
        "model": "llama-3.1-8b",
        "messages": [
            ChatMessage(role="system", content="You are a helpful assistant."),
            ChatMessage(role="user", content="Summarise the refund policy."),
        ],
        "prompt": None,
        "params": GenerationParams(
            max_tokens=64, temperature=0.2, top_p=None, stop=[], seed=None, response_format=None
        ),
        "reply_to": ReplyTo(topic="llm.responses.v1", partition=4),
        "idempotency_key": None,
        "deadline": T0 + 30_000,
        "fallback_requested": False,
        "fallback_reason": None,
        "trace_id": None,
        "metadata": {},
        "created_at": T0,
    }


@pytest.fixture
def completion(request_event: LlmRequest) -> LlmCompletion:
    """A successful completion of ``request_event`` whose text carries no personal data."""
    return {
        "request_id": request_event["request_id"],
        "tenant": request_event["tenant"],
        "request": request_event,
        "text": "Refunds are issued within 14 days.",
        "finish_reason": "stop",
        "usage": TokenUsage(input_tokens=21, output_tokens=9),
        "timings": InferenceTimings(queue_ms=1.5, first_token_ms=None, total_ms=40.0),
        "model": ModelLineage(
            alias="llama-3.1-8b",
            version="1",
            model_id="meta-llama/Llama-3.1-8B-Instruct",
            revision="main",
            endpoint="http://127.0.0.1:8090",
            backend="tgi",
            canary=False,
        ),
        "fallback": False,
        "fallback_reason": None,
        "cost_usd": 0.0,
        "attempts": 1,
        "error": None,
        "created_at": T0 + 45,
    }
