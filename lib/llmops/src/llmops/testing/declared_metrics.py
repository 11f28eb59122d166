"""Every metric the services declare, with its label names: the contract dashboards and rules check against.

Prometheus only knows a labelled counter after its first labelled event (a breaker
opening, a retrain trigger, a drift window closing), which a short test run cannot
provoke for all of them; the declarations in each service's ``metric_defs`` module are
the contract for the rest. The service packages are imported when asked, so importing
this module costs nothing.
"""

from __future__ import annotations

import functools
from dataclasses import fields
from typing import Any

from prometheus_client import CollectorRegistry

STREAM_SERVICES = ("inference", "guardrails", "drift", "audit")
"""The services built on StreamingService, which declares the shared pipeline metrics (the gateway is not)."""
SAMPLE_SUFFIXES = {"counter": ("_total", "_created"), "histogram": ("_bucket", "_count", "_sum", "_created")}
"""The sample names prometheus_client exports per metric type (others: the metric's own name)."""


def _fields(metrics: Any) -> list[Any]:
    return [getattr(metrics, f.name) for f in fields(metrics)]


@functools.cache
def declared_metrics() -> dict[str, set[str]]:
    """Every sample name the services' registries can export, with its label names."""
    from prometheus_client.metrics import MetricWrapperBase

    import audit.metric_defs
    import drift.metric_defs
    import gateway.metric_defs
    import guardrails.metric_defs
    import inference.metric_defs
    from llmops.metric_defs import pipeline_metrics

    registry = CollectorRegistry()
    wrappers = _fields(audit.metric_defs.audit_metrics(registry))
    for service in STREAM_SERVICES:
        wrappers.extend(_fields(pipeline_metrics(service, registry)))
    for module in (gateway.metric_defs, inference.metric_defs, guardrails.metric_defs, drift.metric_defs):
        wrappers.extend(v for v in vars(module).values() if isinstance(v, MetricWrapperBase))
    declared = {}
    for wrapper in wrappers:
        for family in wrapper.describe():
            for suffix in SAMPLE_SUFFIXES.get(family.type, ("",)):
                extra = {"le"} if suffix == "_bucket" else set()
                declared[family.name + suffix] = set(wrapper._labelnames) | extra
    return declared


def declared_metric_names() -> set[str]:
    """The sample names of :func:`declared_metrics`."""
    return set(declared_metrics())
