"""The inference dashboard: model calls, canaries, fallbacks, breakers, backends."""

from __future__ import annotations

from board import dashboard, variable
from model import Json, row, stat, state_mapping, target, timeseries
from queries import pipeline_panels, process_panels, quantile_targets, rate

MODEL = 'model=~"$model"'
MODEL_ERROR = MODEL + ', outcome="error"'
MODEL_CANARY = MODEL + ', canary="true"'
BREAKER = {0: ("closed", "green"), 1: ("half-open", "orange"), 2: ("open", "red")}


def _model_calls() -> list[Json]:
    completions = "llmops_inference_completions_total"
    return [
        row("Completions"),
        timeseries(
            "Completions by version and outcome",
            "Completions per second by model alias, version (canary marked) and outcome.",
            "ops",
            [
                target(
                    rate(completions, MODEL, "model, version, canary, outcome"),
                    "{{model}} v{{version}} canary={{canary}} {{outcome}}",
                )
            ],
            stack=True,
        ),
        timeseries(
            "Error ratio and canary share",
            "Share of completions that failed, and share served by the canary version, per model alias.",
            "percentunit",
            [
                target(
                    f"{rate(completions, MODEL_ERROR, 'model')} / {rate(completions, MODEL, 'model')}",
                    "errors {{model}}",
                ),
                target(
                    f"{rate(completions, MODEL_CANARY, 'model')} / {rate(completions, MODEL, 'model')}",
                    "canary {{model}}",
                ),
            ],
        ),
        timeseries(
            "Model call latency",
            "Model call duration including retries, per model version (p50, p95, p99).",
            "s",
            quantile_targets(
                "llmops_inference_model_call_seconds", MODEL, "model, version", "{{model}} v{{version}}"
            ),
        ),
        timeseries(
            "Fallbacks and retries",
            "Requests served by the fallback model (by reason) and model calls retried (by endpoint).",
            "ops",
            [
                target(
                    rate("llmops_inference_fallbacks_total", MODEL, "model, reason"),
                    "fallback {{model}} {{reason}}",
                ),
                target(rate("llmops_inference_retries_total", by="endpoint"), "retry {{endpoint}}"),
            ],
        ),
    ]


def _backends() -> list[Json]:
    breaker = stat(
        "Circuit breakers",
        "State per model endpoint: open = calls short-circuited to the fallback.",
        "none",
        "max by (endpoint) (llmops_inference_breaker_state)",
        [("green", None), ("orange", 1.0), ("red", 2.0)],
        w=6,
    )
    breaker["targets"][0]["legendFormat"] = "{{endpoint}}"
    return [
        row("Backends"),
        state_mapping(breaker, BREAKER),
        timeseries(
            "Calls in flight",
            "Model calls open to each endpoint from this worker.",
            "short",
            [target("sum by (endpoint) (llmops_inference_in_flight_requests)", "{{endpoint}}")],
            w=6,
        ),
        timeseries(
            "Backend queue",
            "Requests waiting in the model server's own queue (TGI), as last read.",
            "short",
            [target("max by (endpoint) (llmops_inference_backend_queue_size)", "{{endpoint}}")],
            w=6,
        ),
        timeseries(
            "Backend batch fullness",
            "Share of the model server's batch token capacity in use.",
            "percentunit",
            [target("max by (endpoint) (llmops_inference_backend_batch_fullness_ratio)", "{{endpoint}}")],
            w=6,
        ),
        timeseries(
            "Tokens",
            "Tokens per second by model and direction.",
            "short",
            [
                target(
                    rate("llmops_inference_tokens_total", MODEL, "model, direction"),
                    "{{model}} {{direction}}",
                )
            ],
        ),
    ]


def inference() -> Json:
    """The inference service: model calls, canaries, fallbacks, breakers, backends."""
    panels = [
        *_model_calls(),
        *_backends(),
        row("Stream"),
        *pipeline_panels("inference"),
        row("Process"),
        *process_panels("inference"),
    ]
    variables = [variable("model", "Model", "llmops_inference_completions_total", "model")]
    return dashboard(
        "llmops-inference",
        "LLMOps / Inference",
        "Model calls, canaries, fallbacks, breakers.",
        panels,
        variables,
    )
