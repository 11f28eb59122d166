"""Fixtures of the audit tests: a guarded response with known originals behind its hashes."""

from __future__ import annotations

import hashlib
import socket

import pytest

from llmops.events import Finding, LlmResponse, ModelLineage, TokenUsage

T0 = 1_763_337_600_000
ORIGINAL_PROMPT = "Contact me at maria.bianchi@example.it about my refund"
ORIGINAL_OUTPUT = "Sure, I will write to maria.bianchi@example.it today."


@pytest.fixture
def response() -> LlmResponse:
    """A redacted response, as guardrails produces it, with known originals behind its hashes."""
    return {
        "request_id": "3f8e2b1a-9c4d-4e7f-a6b5-0d1c2e3f4a5b",
        "tenant": "acme",
        "model": ModelLineage(
            alias="llama-3.1-8b",
            version="7",
            model_id="meta-llama/Llama-3.1-8B-Instruct",
            revision="abc123",
            endpoint="http://tgi-0:8080",
            backend="tgi",
            canary=True,
        ),
        "text": "Sure, I will write to [EMAIL] today.",
        "action": "redact",
        "reason_code": None,
        "findings": [
            Finding(
                scanner="pii_email",
                stage="input",
                category="pii:email",
                score=1.0,
                action="redact",
                span_count=1,
                latency_ms=0.02,
            ),
            Finding(
                scanner="pii_email",
                stage="output",
                category="pii:email",
                score=1.0,
                action="redact",
                span_count=1,
                latency_ms=0.03,
            ),
        ],
        "policy_version": "skeleton-1",
        "finish_reason": "length",
        "usage": TokenUsage(input_tokens=21, output_tokens=12),
        "cost_usd": 0.0004,
        "fallback": False,
        "error": None,
        "prompt_redacted": "Contact me at [EMAIL] about my refund",
        "prompt_sha256": hashlib.sha256(ORIGINAL_PROMPT.encode()).hexdigest(),
        "output_sha256": hashlib.sha256(ORIGINAL_OUTPUT.encode()).hexdigest(),
        "guardrails_ms": 0.12,
        "request_created_at": T0,
        "completion_created_at": T0 + 840,
        "created_at": T0 + 843,
    }


@pytest.fixture
def originals() -> tuple[str, str]:
    """The prompt and output behind ``response``'s hashes (what must never be stored)."""
    return ORIGINAL_PROMPT, ORIGINAL_OUTPUT


@pytest.fixture
def closed_url() -> str:
    """The URL of a loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
