"""Guardrail actions: verdict shares, findings by scanner, action and category."""

from __future__ import annotations

from board import dashboard, variable
from model import Json, row, table, target, timeseries
from queries import rate

SCANNER = 'scanner=~"$scanner"'
RANGE = "$__range"
"""The dashboard's time range: ``increase`` over it answers "how many in the period shown"."""


def guardrails_policy() -> Json:
    """Guardrail actions and categories by scanner."""
    findings = "llmops_guardrails_findings_total"
    panels = [
        row("Actions"),
        timeseries(
            "Verdict share",
            "Share of released responses per final action. A jump in block or redact share is either an "
            "attack, "
            "a new traffic source, or a policy change.",
            "percentunit",
            [
                target(
                    f"{rate('llmops_guardrails_verdicts_total', by='action')} / ignoring(action) group_left "
                    f"{rate('llmops_guardrails_verdicts_total')}",
                    "{{action}}",
                )
            ],
            stack=True,
        ),
        timeseries(
            "Findings by scanner and action",
            "Scanner findings per second (one per scanner that fired on a text).",
            "ops",
            [target(rate(findings, SCANNER, "scanner, action"), "{{scanner}} {{action}}")],
            stack=True,
        ),
        row("Categories"),
        timeseries(
            "Findings by category",
            "Findings per second by category (pii:email, toxic, prompt_injection, ...).",
            "ops",
            [target(rate(findings, SCANNER, "category"), "{{category}}")],
            stack=True,
        ),
        table(
            "Findings in range by scanner, category and action",
            "Count of findings over the selected time range.",
            "short",
            f"sum by (scanner, category, action) (increase({findings}{{{SCANNER}}}[{RANGE}]))",
        ),
        timeseries(
            "Rewrites by outcome",
            "Paraphrase round trips: requested, released, blocked (still flagged after the rewrite), failed.",
            "ops",
            [target(rate("llmops_guardrails_rewrites_total", by="outcome"), "{{outcome}}")],
            w=24,
        ),
    ]
    variables = [variable("scanner", "Scanner", findings, "scanner")]
    return dashboard(
        "llmops-guardrails-actions",
        "LLMOps / Guardrail actions",
        "What guardrails did, by scanner and category.",
        panels,
        variables,
    )
