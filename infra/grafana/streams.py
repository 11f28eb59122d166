"""Dashboards of the stream services behind the request path: guardrails, drift, audit.

These show whether each service keeps up and stays healthy; what guardrails decided
and what drift detected have their own dashboards (``guardrail_actions.py``,
``drift_detection.py``).
"""

from __future__ import annotations

from board import dashboard
from model import Json, row, stat, target, timeseries
from queries import pipeline_panels, process_panels, quantile_targets, rate


def _service(name: str, title: str, description: str, specific: list[Json], **pipeline: bool) -> Json:
    panels = [
        *specific,
        row("Stream"),
        *pipeline_panels(name, **pipeline),
        row("Process"),
        *process_panels(name),
    ]
    return dashboard(f"llmops-{name}", f"LLMOps / {title}", description, panels)


def guardrails() -> Json:
    """The guardrails service: verdict throughput, scan latency, rewrites."""
    specific = [
        row("Scanning"),
        timeseries(
            "Verdicts",
            "Responses released per second by final action (allow, redact, block).",
            "ops",
            [target(rate("llmops_guardrails_verdicts_total", by="action"), "{{action}}")],
            stack=True,
        ),
        timeseries(
            "Scan latency",
            "Time to run the whole scanner chain over one text, per stage (p50, p95, p99).",
            "s",
            quantile_targets("llmops_guardrails_scan_duration_seconds", by="stage", legend="{{stage}}"),
        ),
        timeseries(
            "Rewrites",
            "Paraphrase round trips by outcome: requested, released, blocked (still flagged), failed.",
            "ops",
            [target(rate("llmops_guardrails_rewrites_total", by="outcome"), "{{outcome}}")],
        ),
    ]
    return _service("guardrails", "Guardrails service", "Guardrails throughput and latency.", specific)


def drift() -> Json:
    """The drift service: what it observes, windows, the sanity runs."""
    specific = [
        row("Observation"),
        timeseries(
            "Events observed and skipped",
            "Events drift windows are built from (by topic and model) and readable events it skipped "
            "(missing field, too late, sanity probes).",
            "ops",
            [
                target(
                    rate("llmops_drift_events_observed_total", by="topic, model"),
                    "observed {{model}} {{topic}}",
                ),
                target(
                    rate("llmops_drift_events_skipped_total", by="topic, reason"),
                    "skipped {{topic}} {{reason}}",
                ),
            ],
        ),
        timeseries(
            "Windows closed",
            "Closed windows per second by outcome; many 'insufficient' means windows are too short for the "
            "traffic.",
            "ops",
            [target(rate("llmops_drift_windows_closed_total", by="outcome"), "{{outcome}}")],
            stack=True,
        ),
        timeseries(
            "Window evaluation time",
            "Time to run every test of a window against its baseline (p50, p95, p99).",
            "s",
            quantile_targets("llmops_drift_window_evaluation_seconds"),
        ),
        row("Sanity runs (golden prompts)"),
        stat(
            "Sanity degraded",
            "1 when the last golden-prompt run found a degradation (an alert went to llm.drift.v1).",
            "none",
            "max(llmops_drift_sanity_degraded)",
            [("green", None), ("red", 1.0)],
            w=6,
        ),
        stat(
            "Since last sanity run",
            "Time since the last golden-prompt run finished; growing without bound means the runs stopped.",
            "s",
            "time() - max(llmops_drift_sanity_last_run_timestamp_seconds)",
            [("green", None), ("orange", 7200.0)],
            w=6,
        ),
        timeseries(
            "Sanity checks passed",
            "Share of golden prompts passing each check in the last run.",
            "percentunit",
            [target("min by (check) (llmops_drift_sanity_check_passed_ratio)", "{{check}}")],
            w=6,
        ),
        timeseries(
            "Sanity latency",
            "Golden-prompt latency in the last run (p50 and max).",
            "ms",
            [target("max by (quantile) (llmops_drift_sanity_latency_ms)", "{{quantile}}")],
            w=6,
        ),
    ]
    return _service("drift", "Drift service", "Drift observation, windows and sanity runs.", specific)


def audit() -> Json:
    """The audit service: records sealed, Elasticsearch indexing, joins."""
    specific = [
        row("Records"),
        timeseries(
            "Records sealed",
            "Audit records sealed per second: complete, or incomplete (a stage never arrived in time).",
            "ops",
            [target(rate("llmops_audit_records_total", by="status"), "{{status}}")],
            stack=True,
        ),
        timeseries(
            "Open joins and late events",
            "Inferences waiting for their other stages (grows when a topic stops flowing), and events "
            "per second arriving after their record was sealed.",
            "short",
            [
                target("sum(llmops_audit_open_joins)", "open joins"),
                target(rate("llmops_audit_late_events_total", by="topic"), "late/s {{topic}}"),
            ],
        ),
        timeseries(
            "Audit trail lag",
            "Age of the oldest sealed record Elasticsearch has not acknowledged yet (0 = nothing waits). "
            "Growing = indexing is failing or too slow: look at the Elasticsearch row below.",
            "s",
            [target("max(llmops_audit_oldest_unindexed_record_age_seconds)", "oldest unindexed")],
        ),
        row("Elasticsearch"),
        timeseries(
            "Documents indexed, rejected, retried",
            "Documents Elasticsearch acknowledged and refused (4xx: mapping or content problem, check "
            "the audit log), and bulk attempts retried (429/5xx/outage).",
            "ops",
            [
                target(rate("llmops_audit_documents_indexed_total"), "indexed"),
                target(rate("llmops_audit_documents_rejected_total"), "rejected"),
                target(rate("llmops_audit_bulk_retries_total"), "bulk retries"),
            ],
        ),
        timeseries(
            "Bulk request latency",
            "Duration of one _bulk request (p50, p95, p99).",
            "s",
            quantile_targets("llmops_audit_bulk_request_seconds"),
        ),
    ]
    return _service(
        "audit", "Audit service", "Audit joins and indexing.", specific, processing=False, produces=False
    )
