"""Pipeline metrics are declared once, with the platform's naming scheme and labels."""

from __future__ import annotations

import re

import pytest
from prometheus_client import CollectorRegistry

from llmops.metric_defs import pipeline_metrics

NAME = re.compile(r"^llmops_[a-z][a-z0-9_]*_(total|seconds|messages)$")


def test_metric_names_and_labels() -> None:
    registry = CollectorRegistry()
    metrics = pipeline_metrics("gateway", registry=registry)
    metrics.consumed.labels("llm.responses.v1").inc()
    metrics.produced.labels("llm.requests.v1").inc()
    metrics.dead_lettered.labels("llm.responses.v1", "InvalidMessage").inc()
    metrics.processing.labels("llm.responses.v1").observe(0.003)
    metrics.consumer_lag.labels("llm.responses.v1", "2").set(7)
    samples = {s.name: s.labels for family in registry.collect() for s in family.samples}
    assert samples["llmops_gateway_events_consumed_total"] == {"topic": "llm.responses.v1"}
    assert samples["llmops_gateway_events_produced_total"] == {"topic": "llm.requests.v1"}
    assert samples["llmops_gateway_events_dead_lettered_total"] == {
        "topic": "llm.responses.v1",
        "reason": "InvalidMessage",
    }
    assert "llmops_gateway_event_processing_seconds_bucket" in samples
    assert samples["llmops_gateway_consumer_lag_messages"] == {"topic": "llm.responses.v1", "partition": "2"}
    families = {family.name for family in registry.collect()}
    assert families == {
        "llmops_gateway_events_consumed",
        "llmops_gateway_events_produced",
        "llmops_gateway_events_dead_lettered",
        "llmops_gateway_event_processing_seconds",
        "llmops_gateway_consumer_lag_messages",
    }
    exported = {name for name in samples if not name.endswith(("_created", "_bucket", "_count", "_sum"))}
    assert all(NAME.match(name) for name in exported), exported


def test_registries_are_independent() -> None:
    first, second = CollectorRegistry(), CollectorRegistry()
    pipeline_metrics("audit", registry=first).consumed.labels("t").inc(3)
    pipeline_metrics("audit", registry=second)
    assert first.get_sample_value("llmops_audit_events_consumed_total", {"topic": "t"}) == 3
    assert second.get_sample_value("llmops_audit_events_consumed_total", {"topic": "t"}) is None
    with pytest.raises(ValueError, match="Duplicated timeseries"):
        pipeline_metrics("audit", registry=first)
