"""Cost: spend and tokens by tenant and model."""

from __future__ import annotations

from board import dashboard, variable
from model import Json, stat, table, target, timeseries
from queries import RATE, rate

COST = 'tenant=~"$tenant", model=~"$model"'
RANGE = "$__range"
"""The dashboard's time range: ``increase`` over it answers "how many in the period shown"."""


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
