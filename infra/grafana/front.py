"""Dashboards of the request path's front: the gateway and the inference service."""

from __future__ import annotations

from board import dashboard, variable
from model import Json, row, stat, state_mapping, target, timeseries
from queries import pipeline_panels, process_panels, quantile_targets, rate

ROUTE_TENANT = 'route=~"$route", tenant=~"$tenant"'
ROUTE_TENANT_5XX = ROUTE_TENANT + ', status=~"5.."'
MODEL = 'model=~"$model"'
MODEL_ERROR = MODEL + ', outcome="error"'
MODEL_CANARY = MODEL + ', canary="true"'
BREAKER = {0: ("closed", "green"), 1: ("half-open", "orange"), 2: ("open", "red")}


def gateway() -> Json:
    """The gateway: HTTP traffic, latency, limits, reply plumbing."""
    requests = "llmops_gateway_requests_total"
    panels = [
        row("HTTP"),
        timeseries(
            "Requests by route and status",
            "Requests per second (selected routes and tenants). 401/403 = credentials, 429 = limits, 5xx = "
            "faults.",
            "reqps",
            [target(rate(requests, ROUTE_TENANT, "route, status"), "{{route}} {{status}}")],
            stack=True,
        ),
        timeseries(
            "5xx ratio by route",
            "Share of requests answered 5xx per route (selected tenants).",
            "percentunit",
            [
                target(
                    f"{rate(requests, ROUTE_TENANT_5XX, 'route')} / {rate(requests, ROUTE_TENANT, 'route')}",
                    "{{route}}",
                )
            ],
        ),
        timeseries(
            "Latency by route",
            "Received-to-answered time per route (p50, p95, p99); no tenant label on this histogram.",
            "s",
            quantile_targets(
                "llmops_gateway_request_duration_seconds", 'route=~"$route"', "route", "{{route}}"
            ),
        ),
        timeseries(
            "Pipeline latency",
            "Produce-request to guarded-response time (Kafka, inference, guardrails). If it tracks the API "
            "latency, the slowness is downstream: open Inference.",
            "s",
            quantile_targets("llmops_gateway_pipeline_duration_seconds"),
        ),
        row("Capacity and replies"),
        timeseries(
            "In flight and pending replies",
            "HTTP requests being served, and requests waiting for their Kafka reply (bounded by "
            "GATEWAY_MAX_PENDING: at the bound new requests are refused).",
            "short",
            [
                target("sum by (instance) (llmops_gateway_in_flight_requests)", "in flight {{instance}}"),
                target("sum by (instance) (llmops_gateway_pending_replies)", "pending {{instance}}"),
            ],
            w=8,
        ),
        timeseries(
            "Unmatched replies",
            "Replies no request in this replica waited for: late answers after a timeout, or replies "
            "for another replica (reply partition leases overlapping).",
            "ops",
            [target(rate("llmops_gateway_replies_unmatched_total", by="instance"), "{{instance}}")],
            w=8,
        ),
        timeseries(
            "Reply partition lease",
            "Reply partition each replica holds (-1: none; such a replica cannot receive answers).",
            "none",
            [target("llmops_gateway_reply_partition", "{{instance}}")],
            w=8,
        ),
        row("Limits"),
        timeseries(
            "Limit rejections",
            "Requests refused by a quota or rate limit, by limit and tenant.",
            "reqps",
            [
                target(
                    rate("llmops_gateway_limit_rejections_total", 'tenant=~"$tenant"', "limit, tenant"),
                    "{{tenant}} {{limit}}",
                )
            ],
        ),
        timeseries(
            "Routed to the fallback model",
            "Requests over a rate limit that the tenant policy sent to the fallback model, by limit.",
            "reqps",
            [target(rate("llmops_gateway_fallback_routed_total", by="limit"), "{{limit}}")],
        ),
        row("Process"),
        *process_panels("gateway"),
    ]
    variables = [
        variable("tenant", "Tenant", "llmops_gateway_requests_total", "tenant"),
        variable("route", "Route", "llmops_gateway_requests_total", "route"),
    ]
    return dashboard(
        "llmops-gateway", "LLMOps / Gateway", "HTTP front door: traffic, latency, limits.", panels, variables
    )


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
