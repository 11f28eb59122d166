"""audit_record: GenAI semantic-convention names, latencies from timestamps, redacted text only."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
import pytest

from audit.record import audit_record
from llmops.events import InferenceError, LlmResponse


def _leaves(value: Any, path: str = "") -> dict[str, Any]:
    """Flatten a document to ``{dotted.path: leaf}`` (list items by index)."""
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in _leaves(item, f"{path}{key}.").items()}
    if isinstance(value, list):
        return {k: v for i, item in enumerate(value) for k, v in _leaves(item, f"{path}{i}.").items()}
    return {path.rstrip("."): value}


def test_genai_semantic_convention_fields(response: LlmResponse) -> None:
    record = audit_record(response)

    assert record["gen_ai.operation.name"] == "chat"
    assert record["gen_ai.request.model"] == "llama-3.1-8b"
    assert record["gen_ai.response.model"] == "meta-llama/Llama-3.1-8B-Instruct"
    assert record["gen_ai.response.finish_reasons"] == ["length"]
    assert record["gen_ai.usage.input_tokens"] == 21
    assert record["gen_ai.usage.output_tokens"] == 12


def test_identity_status_and_model_details(response: LlmResponse) -> None:
    record = audit_record(response)

    assert record["@timestamp"] == response["created_at"]
    assert (record["request_id"], record["tenant"], record["status"]) == (
        response["request_id"],
        "acme",
        "complete",
    )
    assert record["model"] == {
        "version": "7",
        "revision": "abc123",
        "endpoint": "http://tgi-0:8080",
        "backend": "tgi",
        "canary": True,
    }
    assert record["guardrails"] == {
        "action": "redact",
        "reason_code": None,
        "policy_version": "skeleton-1",
        "findings": response["findings"],
        "latency_ms": 0.12,
    }
    assert (record["cost_usd"], record["fallback"], record["error"]) == (0.0004, False, None)


@pytest.mark.parametrize(
    ("request_at", "completion_at", "response_at", "inference", "guardrails", "total"),
    [
        (1_000, 1_840, 1_843, 840, 3, 843),
        (1_000, 1_000, 1_000, 0, 0, 0),
        (5, 2_005, 2_105, 2_000, 100, 2_100),
    ],
)
def test_latencies_are_computed_from_timestamps(
    response: LlmResponse,
    request_at: int,
    completion_at: int,
    response_at: int,
    inference: int,
    guardrails: int,
    total: int,
) -> None:
    response.update(
        {"request_created_at": request_at, "completion_created_at": completion_at, "created_at": response_at}
    )

    record = audit_record(response)

    assert record["timestamps"] == {
        "request": request_at,
        "completion": completion_at,
        "response": response_at,
    }
    assert record["latency_ms"] == {"inference": inference, "guardrails": guardrails, "total": total}


def test_only_redacted_text_and_hashes_are_stored(response: LlmResponse, originals: tuple[str, str]) -> None:
    prompt, output = originals

    record = audit_record(response)

    assert record["prompt"] == {
        "redacted": "Contact me at [EMAIL] about my refund",
        "sha256": hashlib.sha256(prompt.encode()).hexdigest(),
    }
    assert record["output"] == {
        "redacted": "Sure, I will write to [EMAIL] today.",
        "sha256": hashlib.sha256(output.encode()).hexdigest(),
    }
    serialized = orjson.dumps(record)
    assert b"maria.bianchi" not in serialized
    assert prompt.encode() not in serialized and output.encode() not in serialized
    texts = {path for path, leaf in _leaves(record).items() if isinstance(leaf, str) and " " in leaf}
    assert texts == {"prompt.redacted", "output.redacted"}


def test_top_level_fields(response: LlmResponse) -> None:
    assert set(audit_record(response)) == {
        "@timestamp",
        "request_id",
        "tenant",
        "gen_ai.operation.name",
        "gen_ai.request.model",
        "gen_ai.response.model",
        "gen_ai.response.finish_reasons",
        "gen_ai.usage.input_tokens",
        "gen_ai.usage.output_tokens",
        "model",
        "guardrails",
        "prompt",
        "output",
        "cost_usd",
        "fallback",
        "error",
        "timestamps",
        "latency_ms",
        "status",
    }


def test_error_and_missing_prompt_are_kept(response: LlmResponse) -> None:
    error = InferenceError(code="backend_error", message="model server down", http_status=503, retriable=True)
    response.update({"error": error, "prompt_redacted": None, "text": "", "finish_reason": "error"})

    record = audit_record(response)

    assert record["error"] == error
    assert record["prompt"]["redacted"] is None
    assert record["gen_ai.response.finish_reasons"] == ["error"]
    orjson.dumps(record)  # still a valid JSON document
