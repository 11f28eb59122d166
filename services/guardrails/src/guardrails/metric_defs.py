"""Metrics of the guardrails service, declared once (names ``llmops_guardrails_<what>_<unit>``).

Labels carry only names from the policy and registry (scanner, stage, category, action),
never scanned text.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

FINDINGS = Counter(
    "llmops_guardrails_findings",
    "Scanner findings by scanner, category and action.",
    ["scanner", "category", "action"],
)
"""``llmops_guardrails_findings_total``: one per scanner that fired on a text."""

VERDICTS = Counter("llmops_guardrails_verdicts", "Responses by final action.", ["action"])
"""``llmops_guardrails_verdicts_total``: allow / redact / block per response released."""

REWRITES = Counter("llmops_guardrails_rewrites", "Paraphrase round trips by outcome.", ["outcome"])
"""``llmops_guardrails_rewrites_total``: requested, released, blocked."""

SCAN_LATENCY = Histogram(
    "llmops_guardrails_scan_duration_seconds",
    "Time to run one chain over one text, by stage.",
    ["stage"],
    buckets=(0.00002, 0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.25),
)
"""``llmops_guardrails_scan_duration_seconds``: the whole chain (normalisation included) per text."""
