"""Metrics of the audit service, declared once (names ``llmops_audit_<what>_<unit>``)."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram

from llmops.metric_defs import LATENCY_BUCKETS


@dataclass(frozen=True)
class AuditMetrics:
    """Audit-specific metrics.

    Attributes:
        records: ``llmops_audit_records_total{status}``: records sealed (complete/incomplete).
        indexed: ``llmops_audit_documents_indexed_total``: documents Elasticsearch acknowledged.
        rejected: ``llmops_audit_documents_rejected_total``: documents Elasticsearch refused (4xx).
        bulk_retries: ``llmops_audit_bulk_retries_total``: bulk attempts retried after 429/5xx/outage.
        bulk_seconds: ``llmops_audit_bulk_request_seconds``: duration of one ``_bulk`` request.
        open_joins: ``llmops_audit_open_joins``: inferences waiting for more stages.
        late_events: ``llmops_audit_late_events_total{topic}``: events arriving after their record.
        oldest_unindexed: ``llmops_audit_oldest_unindexed_record_age_seconds``: how long the
            oldest sealed record not yet acknowledged by Elasticsearch has waited (0 when
            none): the audit trail's lag behind the traffic, which grows during an outage.
    """

    records: Counter
    indexed: Counter
    rejected: Counter
    bulk_retries: Counter
    bulk_seconds: Histogram
    open_joins: Gauge
    late_events: Counter
    oldest_unindexed: Gauge


def audit_metrics(registry: CollectorRegistry | None = None) -> AuditMetrics:
    """Declare the audit metrics in ``registry`` (the global one by default)."""
    r = registry if registry is not None else REGISTRY
    return AuditMetrics(
        records=Counter("llmops_audit_records", "Audit records sealed.", ["status"], registry=r),
        indexed=Counter("llmops_audit_documents_indexed", "Documents acknowledged.", registry=r),
        rejected=Counter("llmops_audit_documents_rejected", "Documents refused.", registry=r),
        bulk_retries=Counter("llmops_audit_bulk_retries", "Bulk attempts retried.", registry=r),
        bulk_seconds=Histogram(
            "llmops_audit_bulk_request_seconds", "One _bulk request.", buckets=LATENCY_BUCKETS, registry=r
        ),
        open_joins=Gauge("llmops_audit_open_joins", "Inferences waiting for more stages.", registry=r),
        late_events=Counter("llmops_audit_late_events", "Events after their record.", ["topic"], registry=r),
        oldest_unindexed=Gauge(
            "llmops_audit_oldest_unindexed_record_age_seconds",
            "Age of the oldest sealed record not yet acknowledged by Elasticsearch (0: none).",
            registry=r,
        ),
    )
