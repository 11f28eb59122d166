"""Metrics of the drift service, declared once."""

from __future__ import annotations

from prometheus_client import Counter

EVENTS_OBSERVED = Counter(
    "llmops_drift_events_observed",
    "Events observed by drift, by topic and model alias.",
    ["topic", "model"],
)
"""``llmops_drift_events_observed_total``: the event counts drift windows are built from."""
