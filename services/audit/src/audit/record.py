"""The audit record of one inference, built from its (already redacted) response.

Field names follow the OpenTelemetry GenAI semantic conventions where they exist
(``gen_ai.request.model``, ``gen_ai.usage.input_tokens``, ...). Only redacted text and
hashes of the originals are stored: the response event never carries raw text.
"""

from __future__ import annotations

from typing import Any

from llmops.events import LlmResponse


def audit_record(response: LlmResponse) -> dict[str, Any]:
    """Return the Elasticsearch document for ``response`` (its id is the request id)."""
    model = response["model"]
    return {
        "@timestamp": response["created_at"],
        "request_id": response["request_id"],
        "tenant": response["tenant"],
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": model["alias"],
        "gen_ai.response.model": model["model_id"],
        "gen_ai.response.finish_reasons": [response["finish_reason"]],
        "gen_ai.usage.input_tokens": response["usage"]["input_tokens"],
        "gen_ai.usage.output_tokens": response["usage"]["output_tokens"],
        "model": {k: model[k] for k in ("version", "revision", "endpoint", "backend", "canary")},
        "guardrails": {
            "action": response["action"],
            "reason_code": response["reason_code"],
            "policy_version": response["policy_version"],
            "findings": response["findings"],
            "latency_ms": response["guardrails_ms"],
        },
        "prompt": {"redacted": response["prompt_redacted"], "sha256": response["prompt_sha256"]},
        "output": {"redacted": response["text"], "sha256": response["output_sha256"]},
        "cost_usd": response["cost_usd"],
        "fallback": response["fallback"],
        "error": response["error"],
        "timestamps": {
            "request": response["request_created_at"],
            "completion": response["completion_created_at"],
            "response": response["created_at"],
        },
        "latency_ms": {
            "inference": response["completion_created_at"] - response["request_created_at"],
            "guardrails": response["created_at"] - response["completion_created_at"],
            "total": response["created_at"] - response["request_created_at"],
        },
        "status": "complete",
    }
