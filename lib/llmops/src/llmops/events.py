"""Typed views of the events on each topic, mirroring the Avro schemas in ``schemas/``.

Events travel as plain dicts (what fastavro reads and writes, with no conversion cost
on the hot path); these TypedDicts give them static types. Timestamps are integers of
UTC epoch milliseconds. A contract test keeps every TypedDict equal, field for field,
to the latest version of its schema.
"""

from __future__ import annotations

from typing import TypedDict


class ChatMessage(TypedDict):
    """One chat turn."""

    role: str
    content: str


class GenerationParams(TypedDict):
    """Sampling and length parameters of a request."""

    max_tokens: int
    temperature: float | None
    top_p: float | None
    stop: list[str]
    seed: int | None
    response_format: str | None


class ReplyTo(TypedDict):
    """Where the response to a request must be produced."""

    topic: str
    partition: int | None


class LlmRequest(TypedDict):
    """An event of ``llm.requests.v1`` (schema ``request``)."""

    request_id: str
    tenant: str
    user: str | None
    model: str
    messages: list[ChatMessage]
    prompt: str | None
    params: GenerationParams
    reply_to: ReplyTo | None
    idempotency_key: str | None
    deadline: int | None
    fallback_requested: bool
    fallback_reason: str | None
    trace_id: str | None
    metadata: dict[str, str]
    created_at: int


class ModelLineage(TypedDict):
    """Which model answered."""

    alias: str
    version: str
    model_id: str
    revision: str
    endpoint: str
    backend: str
    canary: bool


class TokenUsage(TypedDict):
    """Token counts of one generation."""

    input_tokens: int
    output_tokens: int


class InferenceTimings(TypedDict):
    """Where inference spent its time, in milliseconds."""

    queue_ms: float
    first_token_ms: float | None
    total_ms: float


class InferenceError(TypedDict):
    """Why generation failed."""

    code: str
    message: str
    http_status: int
    retriable: bool


class LlmCompletion(TypedDict):
    """An event of ``llm.completions.v1`` (schema ``completion``)."""

    request_id: str
    tenant: str
    request: LlmRequest
    text: str
    finish_reason: str
    usage: TokenUsage
    timings: InferenceTimings
    model: ModelLineage
    fallback: bool
    fallback_reason: str | None
    cost_usd: float
    attempts: int
    error: InferenceError | None
    created_at: int


class Finding(TypedDict):
    """What one guardrail scanner found."""

    scanner: str
    stage: str
    category: str
    score: float
    action: str
    span_count: int
    latency_ms: float


class LlmResponse(TypedDict):
    """An event of ``llm.responses.v1`` (schema ``response``)."""

    request_id: str
    tenant: str
    model: ModelLineage
    text: str
    action: str
    reason_code: str | None
    findings: list[Finding]
    policy_version: str
    finish_reason: str
    usage: TokenUsage
    cost_usd: float
    fallback: bool
    error: InferenceError | None
    prompt_redacted: str | None
    prompt_sha256: str
    output_sha256: str
    guardrails_ms: float
    request_created_at: int
    completion_created_at: int
    created_at: int


class DriftReport(TypedDict):
    """An event of ``llm.drift.v1`` (schema ``drift_report``)."""

    report_id: str
    model: str
    model_version: str
    tenant: str | None
    window_start: int
    window_end: int
    feature: str
    test: str
    score: float
    threshold: float
    drifted: bool
    reference_size: int
    current_size: int
    reference_version: str
    created_at: int


class RetrainTrigger(TypedDict):
    """An event of ``llm.retrain.v1`` (schema ``retrain_trigger``)."""

    trigger_id: str
    model: str
    model_version: str
    reason: str
    consecutive_windows: int
    evidence: list[DriftReport]
    created_at: int


class Header(TypedDict):
    """One Kafka record header."""

    key: str
    value: bytes | None


class DeadLetter(TypedDict):
    """An event of ``llm.deadletter.v1`` (schema ``dead_letter``)."""

    source_topic: str
    source_partition: int
    source_offset: int
    source_key: bytes | None
    payload: bytes
    headers: list[Header]
    error_type: str
    error: str
    service: str
    created_at: int
