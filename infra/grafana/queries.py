"""PromQL shapes the dashboards repeat: per-second rates, latency quantiles, the pipeline panels.

Counters are always shown as ``rate`` over ``$__rate_interval`` (Grafana picks at least
four scrape intervals, so a rate never rests on a single sample); histograms as p50,
p95 and p99 from their buckets.
"""

from __future__ import annotations

from model import Json, target, timeseries

RATE = "$__rate_interval"
QUANTILES = (0.5, 0.95, 0.99)


def selector(metric: str, matchers: str = "") -> str:
    """``metric{matchers}``, or the bare name without matchers."""
    return f"{metric}{{{matchers}}}" if matchers else metric


def rate(metric: str, matchers: str = "", by: str = "") -> str:
    """``sum by (by) (rate(metric{matchers}[$__rate_interval]))``; without ``by``, the total."""
    grouping = f" by ({by})" if by else ""
    return f"sum{grouping} (rate({selector(metric, matchers)}[{RATE}]))"


def quantile(q: float, histogram: str, matchers: str = "", by: str = "") -> str:
    """The ``q`` quantile of ``histogram`` (its base name) per ``by`` over the rate interval."""
    keep = f"le, {by}" if by else "le"
    bucket = selector(f"{histogram}_bucket", matchers)
    return f"histogram_quantile({q}, sum by ({keep}) (rate({bucket}[{RATE}])))"


def quantile_targets(histogram: str, matchers: str = "", by: str = "", legend: str = "") -> list[Json]:
    """p50, p95 and p99 of ``histogram``, one series per ``by`` value each."""
    suffix = f" {legend}" if legend else ""
    return [target(quantile(q, histogram, matchers, by), f"p{round(q * 100)}{suffix}") for q in QUANTILES]


def pipeline_panels(service: str, *, processing: bool = True, produces: bool = True) -> list[Json]:
    """Throughput, consumer lag, dead letters and processing latency of a stream service.

    The metrics are the shared ones of ``llmops.metric_defs.pipeline_metrics``.
    """
    prefix = f"llmops_{service}"
    flow = [target(rate(f"{prefix}_events_consumed_total", by="topic"), "consumed {{topic}}")]
    if produces:
        flow.append(target(rate(f"{prefix}_events_produced_total", by="topic"), "produced {{topic}}"))
    lag = f"{prefix}_consumer_lag_messages"
    dead = rate(f"{prefix}_events_dead_lettered_total", by="topic, reason")
    panels = [
        timeseries(
            "Events consumed / produced",
            "Events read per topic and events written (and acknowledged) per topic. Consumed far above "
            "produced means the service is failing or filtering; both at zero with traffic upstream means "
            "it is stuck.",
            "ops",
            flow,
        ),
        timeseries(
            "Consumer lag",
            "Messages behind the log end per input topic: the sum over partitions and the worst partition. "
            "Growing = the service cannot keep up (scale out, or look at its latency); high and flat on "
            "one partition while others drain = a stuck consumer.",
            "short",
            [
                target(f"sum by (topic) ({lag})", "total {{topic}}"),
                target(f"max by (topic) ({lag})", "worst partition {{topic}}"),
            ],
        ),
        timeseries(
            "Dead-lettered events",
            "Events that could not be decoded or processed, sent to llm.deadletter.v1, by source topic and "
            "error class. Inspect them with `llmops deadletter list`; replay after a fix.",
            "ops",
            [target(dead, "{{topic}} {{reason}}")],
        ),
    ]
    if processing:
        panels.append(
            timeseries(
                "Event processing latency",
                "Read-to-acknowledge time of one event (p50, p95, p99), per topic.",
                "s",
                quantile_targets(f"{prefix}_event_processing_seconds", by="topic", legend="{{topic}}"),
            )
        )
    return panels


def process_panels(job: str) -> list[Json]:
    """Is the service scraped, and how much CPU and memory do its processes use."""
    return [
        timeseries(
            "Scrape target up",
            f"1 when Prometheus reached /metrics of job {job}, per instance; 0 means down or unreachable.",
            "none",
            [target(f'up{{job="{job}"}}', "{{instance}}")],
            w=8,
        ),
        timeseries(
            "CPU",
            "CPU seconds used per second by each process (1 = one core busy).",
            "percentunit",
            [
                target(
                    f'sum by (instance) (rate(process_cpu_seconds_total{{job="{job}"}}[{RATE}]))',
                    "{{instance}}",
                )
            ],
            w=8,
        ),
        timeseries(
            "Resident memory",
            "Resident set size of each process; steady growth under flat traffic suggests a leak.",
            "bytes",
            [target(f'process_resident_memory_bytes{{job="{job}"}}', "{{instance}}")],
            w=8,
        ),
    ]
