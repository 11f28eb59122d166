"""A counter exported under its exact name, without the ``_total`` suffix.

``prometheus_client`` always renders counters as ``<name>_total``. TGI's Rust exporter
does not: it exports ``tgi_request_count``, ``tgi_request_success`` and
``tgi_request_failure``, and dashboards and alerts written for TGI query those names.
This collector keeps them exact by exporting the series untyped (Prometheus stores
untyped series like gauges, and ``rate()``/``increase()`` work on them as on counters).
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client.metrics_core import Metric
from prometheus_client.registry import CollectorRegistry


class ExactCounter:
    """A monotonically increasing value per label set, exported as ``name`` itself.

    Only the event-loop thread touches it, so it needs no lock.
    """

    def __init__(
        self, name: str, documentation: str, registry: CollectorRegistry, labelnames: tuple[str, ...] = ()
    ) -> None:
        """Create the counter and register it.

        Args:
            name: Exact exported series name.
            documentation: HELP text.
            registry: Where it is exported.
            labelnames: Label names; with none, the series exists from the start at 0.
        """
        self._name = name
        self._documentation = documentation
        self._labelnames = labelnames
        self._values: dict[tuple[str, ...], float] = {} if labelnames else {(): 0.0}
        registry.register(self)

    def inc(self, *labelvalues: str, amount: float = 1.0) -> None:
        """Add ``amount`` (>= 0) to the series with these label values."""
        if len(labelvalues) != len(self._labelnames) or amount < 0:
            raise ValueError(f"{self._name}: expected {len(self._labelnames)} labels and amount >= 0")
        self._values[labelvalues] = self._values.get(labelvalues, 0.0) + amount

    def value(self, *labelvalues: str) -> float:
        """Current value of one series (0 if never incremented)."""
        return self._values.get(labelvalues, 0.0)

    def collect(self) -> Iterable[Metric]:
        """Export every series under the exact name (called by the registry)."""
        family = Metric(self._name, self._documentation, "unknown")
        for labelvalues, value in self._values.items():
            family.add_sample(self._name, dict(zip(self._labelnames, labelvalues, strict=True)), value)
        return [family]
