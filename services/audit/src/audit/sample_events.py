"""Synthetic inferences (request, completion, response) for tests, load tests and the benchmark.

Each inference carries personal data in its raw prompt and output (an e-mail address
and a phone number) and the redacted versions in its response, as guardrails would
produce them, so tests can check that only the redacted text reaches Elasticsearch.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from llmops.events import LlmCompletion, LlmRequest, LlmResponse

PII_EMAIL = "maria.bianchi@example.it"
PII_PHONE = "+39 347 555 0199"


@dataclass(frozen=True)
class Inference:
    """The three events of one inference."""

    request: LlmRequest
    completion: LlmCompletion
    response: LlmResponse


def sample_inference(
    request_id: str, created_at: int, tenant: str = "acme", user: str = "user-42"
) -> Inference:
    """Build one consistent inference whose raw prompt and output contain PII."""
    prompt = f"Write to {PII_EMAIL} or call {PII_PHONE} about refund {request_id[:8]}"
    output = f"I will e-mail {PII_EMAIL} today."
    request: LlmRequest = {
        "request_id": request_id,
        "tenant": tenant,
        "user": user,
        "model": "llama-3.1-8b",
        "messages": [{"role": "user", "content": prompt}],
        "prompt": None,
        "params": {
            "max_tokens": 64,
            "temperature": 0.2,
            "top_p": 0.9,
            "stop": [],
            "seed": 7,
            "response_format": None,
        },
        "reply_to": None,
        "idempotency_key": None,
        "deadline": created_at + 30_000,
        "fallback_requested": False,
        "fallback_reason": None,
        "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
        "metadata": {"quota.decision": "allow", "client": "billing-app"},
        "created_at": created_at,
    }
    completion: LlmCompletion = {
        "request_id": request_id,
        "tenant": tenant,
        "request": request,
        "text": output,
        "finish_reason": "stop",
        "usage": {"input_tokens": 24, "output_tokens": 9},
        "timings": {"queue_ms": 1.5, "first_token_ms": 12.0, "total_ms": 40.0},
        "model": {
            "alias": "llama-3.1-8b",
            "version": "3",
            "model_id": "meta-llama/Llama-3.1-8B-Instruct",
            "revision": "main",
            "endpoint": "http://tgi-0:8080",
            "backend": "tgi",
            "canary": False,
        },
        "fallback": False,
        "fallback_reason": None,
        "cost_usd": 0.00012,
        "attempts": 1,
        "error": None,
        "created_at": created_at + 45,
    }
    response: LlmResponse = {
        "request_id": request_id,
        "tenant": tenant,
        "model": completion["model"],
        "text": "I will e-mail [EMAIL] today.",
        "action": "redact",
        "reason_code": None,
        "findings": [
            {
                "scanner": "pii_email",
                "stage": "input",
                "category": "pii:email",
                "score": 1.0,
                "action": "redact",
                "span_count": 1,
                "latency_ms": 0.02,
            },
            {
                "scanner": "pii_phone",
                "stage": "input",
                "category": "pii:phone",
                "score": 0.9,
                "action": "redact",
                "span_count": 1,
                "latency_ms": 0.02,
            },
        ],
        "policy_version": "policy-7",
        "finish_reason": "stop",
        "usage": completion["usage"],
        "cost_usd": completion["cost_usd"],
        "fallback": False,
        "error": None,
        "prompt_redacted": f"Write to [EMAIL] or call [PHONE] about refund {request_id[:8]}",
        "prompt_sha256": hashlib.sha256(prompt.encode()).hexdigest(),
        "output_sha256": hashlib.sha256(output.encode()).hexdigest(),
        "guardrails_ms": 0.3,
        "request_created_at": created_at,
        "completion_created_at": created_at + 45,
        "created_at": created_at + 48,
    }
    return Inference(request, completion, response)
