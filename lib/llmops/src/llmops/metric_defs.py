"""Metrics every streaming service exports, declared once.

Names follow ``llmops_<service>_<what>_<unit>``. Each service builds one
:class:`PipelineMetrics` for itself; dashboards and alert rules refer to these names
only (a test checks that each name they use is declared here or in a service's own
``metric_defs`` module).
"""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


@dataclass(frozen=True)
class PipelineMetrics:
    """Consumer-side counters and timings shared by every streaming service.

    Attributes:
        consumed: ``llmops_<service>_events_consumed_total{topic}``: events read.
        produced: ``llmops_<service>_events_produced_total{topic}``: events written and acknowledged.
        dead_lettered: ``llmops_<service>_events_dead_lettered_total{topic,reason}``: invalid
            events sent to the dead-letter topic (reason is the error class, never event content).
        processing: ``llmops_<service>_event_processing_seconds{topic}``: time from reading
            an event to acknowledging its output.
        consumer_lag: ``llmops_<service>_consumer_lag_messages{topic,partition}``: see
            :func:`consumer_lag_gauge`.
    """

    consumed: Counter
    produced: Counter
    dead_lettered: Counter
    processing: Histogram
    consumer_lag: Gauge


def pipeline_metrics(service: str, registry: CollectorRegistry | None = None) -> PipelineMetrics:
    """Declare the pipeline metrics of ``service`` in ``registry`` (the global one by default)."""
    from prometheus_client import REGISTRY

    target = registry if registry is not None else REGISTRY
    return PipelineMetrics(
        consumed=Counter(f"llmops_{service}_events_consumed", "Events read.", ["topic"], registry=target),
        produced=Counter(
            f"llmops_{service}_events_produced", "Events produced and acked.", ["topic"], registry=target
        ),
        dead_lettered=Counter(
            f"llmops_{service}_events_dead_lettered",
            "Events sent to the dead-letter topic.",
            ["topic", "reason"],
            registry=target,
        ),
        processing=Histogram(
            f"llmops_{service}_event_processing_seconds",
            "Read-to-ack time of one event.",
            ["topic"],
            buckets=LATENCY_BUCKETS,
            registry=target,
        ),
        consumer_lag=consumer_lag_gauge(service, target),
    )


def consumer_lag_gauge(service: str, registry: CollectorRegistry | None = None) -> Gauge:
    """Declare ``llmops_<service>_consumer_lag_messages{topic,partition}`` in ``registry``.

    The value is the partition's log-end offset (high watermark) minus the offset the
    consumer has committed (or, for a consumer without a group, the next offset it will
    deliver), for the partitions assigned to this process only: summing over processes
    never counts a partition twice, and a revoked partition's series is removed.
    """
    from prometheus_client import REGISTRY

    return Gauge(
        f"llmops_{service}_consumer_lag_messages",
        "Messages in an assigned partition not yet committed (log end minus committed offset).",
        ["topic", "partition"],
        registry=registry if registry is not None else REGISTRY,
    )
