"""Drift detection: test statistics against thresholds, detections, retrain triggers."""

from __future__ import annotations

from board import dashboard, variable
from model import Json, dashed, row, stat, table, target, timeseries
from queries import rate

DRIFT = 'model=~"$model", feature=~"$feature"'
MODEL = 'model=~"$model"'
RANGE = "$__range"
"""The dashboard's time range: ``increase`` over it answers "how many in the period shown"."""


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
