"""The readable summary printed at the end of ``make demo``."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from llmops.demo.traffic import Outcome


@dataclass(frozen=True)
class DemoReport:
    """Everything the summary shows."""

    outcomes: list[Outcome]
    audit_records: int
    prometheus_requests: float | None
    urls: dict[str, str]

    @property
    def succeeded(self) -> list[Outcome]:
        """Outcomes answered with 200."""
        return [o for o in self.outcomes if o.status == 200]

    @property
    def ok(self) -> bool:
        """True when every request succeeded, each has its audit record and metrics were scraped."""
        answered = len(self.succeeded)
        return (
            answered == len(self.outcomes)
            and self.audit_records == answered
            and bool(self.prometheus_requests)
        )


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def render(report: DemoReport) -> str:
    """Render the report as plain text."""
    outcomes, done = report.outcomes, report.succeeded
    actions = Counter(o.action for o in done)
    latencies = [o.latency_ms for o in done] or [0.0]
    languages = ", ".join(f"{k} {v}" for k, v in sorted(Counter(o.language for o in outcomes).items()))
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    lines = [
        "",
        "=== LLMOps demo summary ===",
        f"requests sent        {len(outcomes)}  ({languages})",
        f"answered (200)       {len(done)}    failed {len(outcomes) - len(done)}",
        f"guardrail actions    allowed {actions['allow']}  redacted {actions['redact']}"
        f"  blocked {actions['block']}",
        f"latency (end to end) p50 {p50:.1f} ms   p99 {p99:.1f} ms",
        f"audit records        {report.audit_records} of {len(done)} found in Elasticsearch",
        f"prometheus           llmops_gateway_requests_total = {report.prometheus_requests}",
    ]
    lines += [f"  {name:<20} {url}" for name, url in report.urls.items()]
    failures = [o for o in outcomes if o.status != 200]
    lines += [f"  FAILED {o.tenant}/{o.language}/{o.kind}: {o.status} {o.error}" for o in failures[:10]]
    lines.append("result               " + ("OK" if report.ok else "FAILED"))
    return "\n".join(lines)
