"""Metrics of the gateway, declared once (names ``llmops_gateway_<what>_<unit>``)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from llmops.metric_defs import LATENCY_BUCKETS, consumer_lag_gauge

REQUESTS = Counter(
    "llmops_gateway_requests", "HTTP requests by route, status and tenant.", ["route", "status", "tenant"]
)
"""``llmops_gateway_requests_total``."""

REQUEST_LATENCY = Histogram(
    "llmops_gateway_request_duration_seconds",
    "HTTP request latency by route.",
    ["route"],
    buckets=LATENCY_BUCKETS,
)
"""``llmops_gateway_request_duration_seconds``: from request received to answer sent."""

IN_FLIGHT = Gauge("llmops_gateway_in_flight_requests", "HTTP requests being served.")
"""``llmops_gateway_in_flight_requests``."""

PENDING_REPLIES = Gauge(
    "llmops_gateway_pending_replies", "Requests awaiting their Kafka reply in this replica."
)
"""``llmops_gateway_pending_replies``: bounded by GATEWAY_MAX_PENDING."""

REPLIES_UNMATCHED = Counter(
    "llmops_gateway_replies_unmatched",
    "Replies nobody in this replica waited for (late or foreign).",
)
"""``llmops_gateway_replies_unmatched_total``."""

LIMIT_REJECTIONS = Counter(
    "llmops_gateway_limit_rejections",
    "Requests refused by a quota or rate limit, by limit and tenant.",
    ["limit", "tenant"],
)
"""``llmops_gateway_limit_rejections_total``: limit is requests_per_day, tokens_per_minute, ..."""

FALLBACK_ROUTED = Counter(
    "llmops_gateway_fallback_routed",
    "Requests over a rate limit routed to the fallback model (tenant policy), by limit.",
    ["limit"],
)
"""``llmops_gateway_fallback_routed_total``."""

REPLY_PARTITION = Gauge(
    "llmops_gateway_reply_partition", "Reply partition this replica holds the lease of (-1: none)."
)
"""``llmops_gateway_reply_partition``."""

PIPELINE_LATENCY = Histogram(
    "llmops_gateway_pipeline_duration_seconds",
    "From producing a request to its guarded response arriving (Kafka, inference, guardrails).",
    buckets=LATENCY_BUCKETS,
)
"""``llmops_gateway_pipeline_duration_seconds``: request latency minus this is the gateway's own share."""

CONSUMER_LAG = consumer_lag_gauge("gateway")
"""``llmops_gateway_consumer_lag_messages{topic,partition}``: replies in this replica's partition
not yet delivered to their callers."""
