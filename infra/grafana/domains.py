"""Dashboards of what the platform decides and spends: guardrail actions, drift, cost.

Totals over the dashboard's time range use ``increase(...[$__range])``: the tables
and bars answer "how many in the period I am looking at".
"""

from __future__ import annotations

from board import dashboard, variable
from model import Json, dashed, row, stat, table, target, timeseries
from queries import RATE, rate

SCANNER = 'scanner=~"$scanner"'
DRIFT = 'model=~"$model", feature=~"$feature"'
MODEL = 'model=~"$model"'
COST = 'tenant=~"$tenant", model=~"$model"'
RANGE = "$__range"


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


def drift_detection() -> Json:
    """Drift test statistics against thresholds, detections and retrain triggers."""
    scores = timeseries(
        "Test statistic vs threshold",
        "Statistic of the last closed window per feature and test (solid) and the threshold it was "
        "compared with (red dashed). Above the threshold = drift.",
        "short",
        [
            target(
                f"max by (model, version, feature, test) (llmops_drift_test_score{{{DRIFT}}})",
                "{{model}} v{{version}} {{feature}} {{test}}",
            ),
            target(
                f"max by (model, version, feature, test) (llmops_drift_test_threshold{{{DRIFT}}})",
                "threshold {{model}} v{{version}} {{feature}} {{test}}",
            ),
        ],
        w=24,
    )
    panels = [
        row("Now"),
        stat(
            "Tests drifted",
            "Feature/test pairs whose last window drifted.",
            "none",
            f"count(llmops_drift_test_drifted{{{DRIFT}}} == 1) or vector(0)",
            [("green", None), ("red", 1.0)],
        ),
        stat(
            "Tests without verdict",
            "Feature/test pairs whose last window had too few events.",
            "none",
            f"count(llmops_drift_test_drifted{{{DRIFT}}} == -1) or vector(0)",
            [("green", None), ("orange", 1.0)],
        ),
        stat(
            "Retrain triggers in range",
            "llm.retrain.v1 triggers sent over the time range.",
            "none",
            f'sum(increase(llmops_drift_retrain_triggers_total{{model=~"$model"}}[{RANGE}])) or vector(0)',
            [("green", None), ("orange", 1.0)],
        ),
        table(
            "Drifted tests",
            "Feature/test pairs currently drifted, with the statistic.",
            "short",
            f"llmops_drift_test_score{{{DRIFT}}} and on(model, version, tenant, feature, test) "
            f"(llmops_drift_test_drifted{{{DRIFT}}} == 1)",
        ),
        dashed(scores, "threshold.*"),
        row("Detections"),
        timeseries(
            "Windows by outcome",
            "Closed windows per hour by outcome (drift, no_drift, insufficient, ...).",
            "short",
            [
                target(
                    rate("llmops_drift_windows_closed_total", MODEL, "model, outcome") + " * 3600",
                    "{{model}} {{outcome}}",
                )
            ],
            stack=True,
        ),
        timeseries(
            "Retrain triggers",
            "llm.retrain.v1 triggers per hour by model version.",
            "short",
            [
                target(
                    rate("llmops_drift_retrain_triggers_total", MODEL, "model, version") + " * 3600",
                    "{{model}} v{{version}}",
                )
            ],
        ),
        timeseries(
            "Window size",
            "Events in the last closed window per stream: thin windows give noisy statistics.",
            "short",
            [
                target(
                    'sum by (model, version, stream) (llmops_drift_window_events{model=~"$model"})',
                    "{{model}} v{{version}} {{stream}}",
                )
            ],
            w=24,
        ),
    ]
    variables = [
        variable("model", "Model", "llmops_drift_test_score", "model"),
        variable("feature", "Feature", "llmops_drift_test_score", "feature"),
    ]
    return dashboard(
        "llmops-drift-detection",
        "LLMOps / Drift detection",
        "Drift statistics vs thresholds, detections, retrain triggers.",
        panels,
        variables,
    )


def cost() -> Json:
    """Spend by tenant and model."""
    usd = "llmops_inference_cost_usd_total"
    tokens = "llmops_inference_tokens_total"
    panels = [
        stat(
            "Spend in range",
            "USD spent over the selected time range.",
            "currencyUSD",
            f"sum(increase({usd}{{{COST}}}[{RANGE}]))",
            [("green", None)],
            w=8,
        ),
        stat(
            "Spend rate",
            "USD per hour at the current rate.",
            "currencyUSD",
            f"{rate(usd, COST)} * 3600",
            [("green", None)],
            w=8,
        ),
        stat(
            "30-day projection",
            "USD over 30 days if the current hourly rate held.",
            "currencyUSD",
            f"{rate(usd, COST)} * 3600 * 24 * 30",
            [("green", None)],
            w=8,
        ),
        timeseries(
            "Spend by tenant",
            "USD per hour by tenant.",
            "currencyUSD",
            [target(f"{rate(usd, COST, 'tenant')} * 3600", "{{tenant}}")],
            stack=True,
        ),
        timeseries(
            "Spend by model",
            "USD per hour by model alias and version.",
            "currencyUSD",
            [target(f"{rate(usd, COST, 'model, version')} * 3600", "{{model}} v{{version}}")],
            stack=True,
        ),
        table(
            "Spend in range by tenant and model",
            "USD over the selected time range, largest first.",
            "currencyUSD",
            f"sum by (tenant, model) (increase({usd}{{{COST}}}[{RANGE}]))",
        ),
        timeseries(
            "Tokens by tenant",
            "Tokens per second by tenant and direction.",
            "short",
            [target(rate(tokens, COST, "tenant, direction"), "{{tenant}} {{direction}}")],
        ),
        timeseries(
            "Cost per 1k tokens",
            "USD per 1000 tokens (input and output) by model version.",
            "currencyUSD",
            [
                target(
                    f"sum by (model, version) (rate({usd}{{{COST}}}[{RATE}])) / "
                    f"sum by (model, version) (rate({tokens}{{{COST}}}[{RATE}])) * 1000",
                    "{{model}} v{{version}}",
                )
            ],
            w=24,
        ),
    ]
    variables = [variable("tenant", "Tenant", usd, "tenant"), variable("model", "Model", usd, "model")]
    return dashboard(
        "llmops-cost", "LLMOps / Cost", "Spend and tokens by tenant and model.", panels, variables
    )
