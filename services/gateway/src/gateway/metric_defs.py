"""Metrics of the gateway, declared once (names ``llmops_gateway_<what>_<unit>``)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from llmops.metric_defs import LATENCY_BUCKETS

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
