"""Metrics of the drift service, declared once.

Labels are model alias, model version, tenant ("" unless windows are per tenant),
feature and test names: never text.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

EVENTS_OBSERVED = Counter(
    "llmops_drift_events_observed",
    "Events observed by drift, by topic and model alias.",
    ["topic", "model"],
)
"""``llmops_drift_events_observed_total``: the event counts drift windows are built from."""

EVENTS_SKIPPED = Counter(
    "llmops_drift_events_skipped",
    "Readable events skipped because a field a feature needs is missing, or too late for their window.",
    ["topic", "reason"],
)
"""``llmops_drift_events_skipped_total``: events not in any window (unreadable ones are dead-lettered)."""

TEST_SCORE = Gauge(
    "llmops_drift_test_score",
    "Statistic of the last closed window, per feature and test.",
    ["model", "version", "tenant", "feature", "test"],
)
TEST_THRESHOLD = Gauge(
    "llmops_drift_test_threshold",
    "Threshold the last window's statistic was compared with.",
    ["model", "version", "tenant", "feature", "test"],
)
TEST_DRIFTED = Gauge(
    "llmops_drift_test_drifted",
    "1 if the last window drifted on this feature and test, 0 if not, -1 if too few events for a verdict.",
    ["model", "version", "tenant", "feature", "test"],
)
WINDOW_EVENTS = Gauge(
    "llmops_drift_window_events",
    "Events in the last closed window, per stream.",
    ["model", "version", "tenant", "stream"],
)
WINDOWS_CLOSED = Counter(
    "llmops_drift_windows_closed",
    "Closed windows by outcome: drift, no_drift, insufficient (too few events), baseline, no_baseline.",
    ["model", "version", "outcome"],
)
WINDOW_EVALUATION = Histogram(
    "llmops_drift_window_evaluation_seconds",
    "Time to run every test of one window against its baseline.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
RETRAIN_TRIGGERS = Counter(
    "llmops_drift_retrain_triggers",
    "llm.retrain.v1 triggers sent, by model alias and version.",
    ["model", "version"],
)
SANITY_CHECK_PASSED = Gauge(
    "llmops_drift_sanity_check_passed_ratio",
    "Share of golden prompts that passed each check in the last sanity run.",
    ["check"],
)
SANITY_LATENCY = Gauge(
    "llmops_drift_sanity_latency_ms",
    "Latency of golden prompts in the last sanity run (p50 and max).",
    ["quantile"],
)
SANITY_DEGRADED = Gauge(
    "llmops_drift_sanity_degraded",
    "1 if the last sanity run found a degradation (an alert was sent on llm.drift.v1), else 0.",
)
SANITY_LAST_RUN = Gauge(
    "llmops_drift_sanity_last_run_timestamp_seconds",
    "When the last sanity run finished (UTC epoch seconds).",
)
