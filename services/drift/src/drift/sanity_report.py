"""Sanity results as metrics and as the alert event.

The alert is a normal ``llm.drift.v1`` report per check, keyed ``sanity``, with
``test="sanity"``, ``feature="sanity:<check>"`` (``answered``, ``guardrail_outcome``,
``latency``), ``score`` = share of golden prompts that failed the check, ``threshold``
= the failure share allowed (0 by default), ``drifted=true`` when the check degraded,
``reference_size`` = golden prompts sent, ``current_size`` = answers received,
``reference_version`` = the golden set's version, ``tenant="llmops-sanity"``. Every run
sends its three reports (a healthy run too, so silence is itself a signal); alerting
rules fire on ``test == "sanity" and drifted``.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from dataclasses import dataclass

import numpy as np

from drift import metric_defs as m
from drift.golden import GoldenSet
from drift.monitor import SANITY_TENANT
from drift.sanity import ProbeOutcome
from llmops.events import DriftReport

CHECKS = ("answered", "guardrail_outcome", "latency")


@dataclass(frozen=True)
class SanityVerdict:
    """Failure share per check and whether the run degraded."""

    failures: dict[str, float]
    degraded: bool


def judge(outcomes: list[ProbeOutcome], allowed_failure_share: float = 0.0) -> SanityVerdict:
    """Failure shares of each check (an unanswered prompt fails all three)."""
    total = max(1, len(outcomes))
    failures = {
        "answered": sum(not o.answered for o in outcomes) / total,
        "guardrail_outcome": sum(not o.action_ok for o in outcomes) / total,
        "latency": sum(not o.latency_ok for o in outcomes) / total,
    }
    return SanityVerdict(failures, any(share > allowed_failure_share for share in failures.values()))


def export_metrics(outcomes: list[ProbeOutcome], verdict: SanityVerdict) -> None:
    """Set the sanity gauges."""
    for check in CHECKS:
        m.SANITY_CHECK_PASSED.labels(check).set(1.0 - verdict.failures[check])
    latencies = [o.latency_ms for o in outcomes if o.latency_ms is not None]
    if latencies:
        m.SANITY_LATENCY.labels("p50").set(float(np.median(latencies)))
        m.SANITY_LATENCY.labels("max").set(max(latencies))
    m.SANITY_DEGRADED.set(int(verdict.degraded))
    m.SANITY_LAST_RUN.set(time.time())


def alert_reports(
    outcomes: list[ProbeOutcome],
    verdict: SanityVerdict,
    golden: GoldenSet,
    model: str,
    started_ms: int,
    allowed_failure_share: float = 0.0,
) -> list[DriftReport]:
    """The ``llm.drift.v1`` reports of one run (one per check)."""
    now = int(time.time() * 1000)
    versions = Counter(o.model_version for o in outcomes if o.model_version)
    answered = sum(o.answered for o in outcomes)
    return [
        DriftReport(
            report_id=str(uuid.uuid4()),
            model=model,
            model_version=versions.most_common(1)[0][0] if versions else "unknown",
            tenant=SANITY_TENANT,
            window_start=started_ms,
            window_end=now,
            feature=f"sanity:{check}",
            test="sanity",
            score=verdict.failures[check],
            threshold=allowed_failure_share,
            drifted=verdict.failures[check] > allowed_failure_share,
            reference_size=len(outcomes),
            current_size=answered,
            reference_version=golden.version,
            created_at=now,
        )
        for check in CHECKS
    ]
