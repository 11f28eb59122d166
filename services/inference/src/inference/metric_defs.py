"""Metrics of the inference service, declared once (names ``llmops_inference_<what>_<unit>``).

Labels are configuration values (alias, version, endpoint, fallback reason) and the
tenant; never request content.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from llmops.metric_defs import LATENCY_BUCKETS

COMPLETIONS = Counter(
    "llmops_inference_completions",
    "Completions produced, by the model version that answered (or was meant to) and outcome (ok, error).",
    ["model", "version", "canary", "outcome"],
)
MODEL_CALL_SECONDS = Histogram(
    "llmops_inference_model_call_seconds",
    "Duration of model calls including retries, by model version.",
    ["model", "version"],
    buckets=LATENCY_BUCKETS,
)
TOKENS = Counter(
    "llmops_inference_tokens",
    "Tokens processed, by tenant, model version and direction (input, output).",
    ["tenant", "model", "version", "direction"],
)
COST_USD = Counter(
    "llmops_inference_cost_usd",
    "Cost of completions in USD (tokens times the version's prices), by tenant and model version.",
    ["tenant", "model", "version"],
)
FALLBACKS = Counter(
    "llmops_inference_fallbacks",
    "Requests served by the fallback model, by requested alias and reason.",
    ["model", "reason"],
)
RETRIES = Counter(
    "llmops_inference_retries",
    "Model calls retried after a retriable failure, by endpoint.",
    ["endpoint"],
)
BREAKER_STATE = Gauge(
    "llmops_inference_breaker_state",
    "Circuit breaker state per endpoint: 0 closed, 1 half-open, 2 open.",
    ["endpoint"],
)
IN_FLIGHT = Gauge(
    "llmops_inference_in_flight_requests",
    "Model calls open to each endpoint from this worker.",
    ["endpoint"],
)
BACKEND_QUEUE = Gauge(
    "llmops_inference_backend_queue_size",
    "Requests waiting in the model server's own queue (tgi_queue_size), as last read.",
    ["endpoint"],
)
BACKEND_BATCH_FULLNESS = Gauge(
    "llmops_inference_backend_batch_fullness_ratio",
    "Share of the model server's batch token capacity in use, as last read.",
    ["endpoint"],
)
