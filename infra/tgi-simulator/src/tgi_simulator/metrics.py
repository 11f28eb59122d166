"""TGI's Prometheus metrics, in a registry owned by one simulator instance.

Names, kinds and histogram buckets follow TGI's router (``server.rs``): durations in
seconds with 35 geometric buckets from 0.15 ms, token-count histograms with 100 linear
buckets up to the configured limits. Each app owns its :class:`CollectorRegistry` (not
the process-global one) so several simulators can run in one process.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Gauge, Histogram, generate_latest

from tgi_simulator.admission import Admission
from tgi_simulator.exact_counter import ExactCounter

DURATION_BUCKETS = tuple(0.0001 * 1.5**i for i in range(1, 36))
FAILURE_KINDS = ("validation", "overloaded", "generation", "unavailable")
"""``err`` labels exported at 0 from the start, so alerts never see a missing series."""


def _linear(limit: int) -> tuple[float, ...]:
    return tuple(limit / 100.0 * (i + 1) for i in range(100))


class SimulatorMetrics:
    """Every metric the simulator exports.

    Attributes:
        registry: The registry ``/metrics`` renders.
        requests: ``tgi_request_count``, one per generation request received.
        successes: ``tgi_request_success``.
        failures: ``tgi_request_failure`` by ``err`` (the error type).
    """

    def __init__(self, max_input_tokens: int, max_total_tokens: int) -> None:
        """Create the metrics; bucket bounds follow the token limits like TGI's."""
        self.registry = CollectorRegistry()
        reg = self.registry
        self.requests = ExactCounter("tgi_request_count", "Generation requests received", reg)
        self.successes = ExactCounter("tgi_request_success", "Generation requests that succeeded", reg)
        self.failures = ExactCounter("tgi_request_failure", "Failed generation requests", reg, ("err",))
        for kind in FAILURE_KINDS:
            self.failures.inc(kind, amount=0.0)
        self.duration = self._seconds("tgi_request_duration", "End-to-end request time")
        self.queue_duration = self._seconds("tgi_request_queue_duration", "Time waiting for a slot")
        self.inference_duration = self._seconds("tgi_request_inference_duration", "Prefill and decode time")
        self.time_per_token = self._seconds(
            "tgi_request_mean_time_per_token_duration", "Inference time per generated token"
        )
        self.input_length = Histogram(
            "tgi_request_input_length", "Input tokens", buckets=_linear(max_input_tokens), registry=reg
        )
        self.generated_tokens = Histogram(
            "tgi_request_generated_tokens",
            "Generated tokens",
            buckets=_linear(max_total_tokens),
            registry=reg,
        )
        self.max_new_tokens = Histogram(
            "tgi_request_max_new_tokens",
            "Requested max_new_tokens",
            buckets=_linear(max_total_tokens),
            registry=reg,
        )

    def _seconds(self, name: str, documentation: str) -> Histogram:
        return Histogram(name, documentation, buckets=DURATION_BUCKETS, registry=self.registry)

    def watch(self, admission: Admission) -> None:
        """Export the queue and batch gauges, read from ``admission`` at scrape time."""
        reg = self.registry
        Gauge("tgi_queue_size", "Requests waiting for a slot", registry=reg).set_function(
            lambda: admission.waiting
        )
        Gauge("tgi_batch_current_size", "Requests generating", registry=reg).set_function(
            lambda: admission.running
        )
        Gauge("tgi_batch_current_max_tokens", "Token budget of running requests", registry=reg).set_function(
            lambda: admission.running_tokens
        )

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric."""
        return generate_latest(self.registry)
