"""The overview: is the platform serving, how fast, how many errors, what it costs.

The first dashboard to open in an incident: the top row answers "is it broken and
since when", the rows below point at the service to open next.
"""

from __future__ import annotations

from board import dashboard, variable
from model import Json, row, stat, target, timeseries
from queries import RATE, quantile, quantile_targets, rate

API = 'route=~"/v1/.*"'
"""The OpenAI-compatible API routes (health and metrics probes excluded)."""
API_TENANT = API + ', tenant=~"$tenant"'
API_TENANT_5XX = API_TENANT + ', status=~"5.."'
TENANT = 'tenant=~"$tenant"'
REQUESTS = "llmops_gateway_requests_total"
SERVICES = ("gateway", "inference", "guardrails", "drift", "audit")
GREEN, RED, ORANGE = "green", "red", "orange"

ERROR_RATIO = f"{rate(REQUESTS, API_TENANT_5XX)} / {rate(REQUESTS, API_TENANT)}"
DEAD_LETTERS = " + ".join(
    f"(sum(rate(llmops_{s}_events_dead_lettered_total[{RATE}])) or vector(0))"
    for s in SERVICES
    if s != "gateway"
)


def _headline() -> list[Json]:
    return [
        stat(
            "Requests/s",
            "API requests per second (selected tenants).",
            "reqps",
            rate("llmops_gateway_requests_total", API_TENANT),
            [(GREEN, None)],
        ),
        stat(
            "5xx ratio",
            "Share of API requests answered 5xx (selected tenants).",
            "percentunit",
            ERROR_RATIO,
            [(GREEN, None), (ORANGE, 0.01), (RED, 0.05)],
        ),
        stat(
            "p95 latency",
            "95th percentile of API request latency, all tenants.",
            "s",
            quantile(0.95, "llmops_gateway_request_duration_seconds", API),
            [(GREEN, None), (ORANGE, 5.0), (RED, 10.0)],
        ),
        stat(
            "Dead letters/s",
            "Events sent to llm.deadletter.v1 by all services.",
            "ops",
            DEAD_LETTERS,
            [(GREEN, None), (RED, 0.001)],
        ),
        stat(
            "Spend USD/h",
            "Current spend rate on model tokens (selected tenants).",
            "currencyUSD",
            rate("llmops_inference_cost_usd_total", TENANT) + " * 3600",
            [(GREEN, None)],
        ),
        stat(
            "Services down",
            "Platform services Prometheus cannot scrape.",
            "none",
            f'count(up{{job=~"{"|".join(SERVICES)}"}} == 0) or vector(0)',
            [(GREEN, None), (RED, 1.0)],
        ),
    ]


def _traffic() -> list[Json]:
    return [
        row("Traffic and latency"),
        timeseries(
            "Requests by route and status",
            "API requests per second by route and HTTP status (selected tenants). 429 = quota or rate "
            "limit, 401/403 = credentials, 5xx = platform fault.",
            "reqps",
            [
                target(
                    rate("llmops_gateway_requests_total", API_TENANT, "route, status"), "{{route}} {{status}}"
                )
            ],
            stack=True,
        ),
        timeseries(
            "API latency p50 / p95 / p99",
            "Request latency at the gateway, all API routes and tenants (the latency histogram carries no "
            "tenant label).",
            "s",
            quantile_targets("llmops_gateway_request_duration_seconds", API),
        ),
        timeseries(
            "Requests by tenant",
            "API requests per second per tenant: who is driving the load.",
            "reqps",
            [target(rate("llmops_gateway_requests_total", API_TENANT, "tenant"), "{{tenant}}")],
            stack=True,
        ),
        timeseries(
            "Pipeline latency p50 / p95 / p99",
            "From producing a request on Kafka to its guarded response arriving back at the gateway "
            "(inference + guardrails + Kafka). Compare with API latency: "
            "the difference is the gateway's own share.",
            "s",
            quantile_targets("llmops_gateway_pipeline_duration_seconds"),
        ),
    ]


def _errors() -> list[Json]:
    return [
        row("Errors"),
        timeseries(
            "5xx ratio by route",
            "Share of API requests answered 5xx, per route (selected tenants).",
            "percentunit",
            [
                target(
                    f"{rate(REQUESTS, API_TENANT_5XX, 'route')} / {rate(REQUESTS, API_TENANT, 'route')}",
                    "{{route}}",
                )
            ],
            w=8,
        ),
        timeseries(
            "Limit rejections",
            "Requests refused by a quota or rate limit, by limit and tenant (selected tenants).",
            "reqps",
            [
                target(
                    rate("llmops_gateway_limit_rejections_total", TENANT, "limit, tenant"),
                    "{{tenant}} {{limit}}",
                )
            ],
            w=8,
        ),
        timeseries(
            "Model errors and fallbacks",
            "Completions that failed at the model, and requests served by the fallback model instead, by "
            "model alias.",
            "ops",
            [
                target(
                    rate("llmops_inference_completions_total", 'outcome="error"', "model"), "errors {{model}}"
                ),
                target(
                    rate("llmops_inference_fallbacks_total", by="model, reason"),
                    "fallback {{model}} {{reason}}",
                ),
            ],
            w=8,
        ),
        timeseries(
            "Dead-lettered events by service",
            "Events each service sent to llm.deadletter.v1. Any non-zero value needs a look: `llmops "
            "deadletter list`.",
            "ops",
            [target(rate(f"llmops_{s}_events_dead_lettered_total"), s) for s in SERVICES if s != "gateway"],
        ),
        timeseries(
            "Consumer lag by service",
            "Messages each service is behind on its input topics (all partitions). A growing line is the "
            "service to open next.",
            "short",
            [target(f"sum(llmops_{s}_consumer_lag_messages)", s) for s in SERVICES if s != "gateway"],
        ),
        timeseries(
            "Scrape targets up",
            "1 when Prometheus reaches the service's /metrics; 0 = down or unreachable.",
            "none",
            [target(f'up{{job=~"{"|".join(SERVICES)}"}}', "{{job}} {{instance}}")],
            w=24,
        ),
    ]


def _cost() -> list[Json]:
    return [
        row("Cost and tokens"),
        timeseries(
            "Spend by model",
            "USD per hour at the current rate, by model alias and version (selected tenants).",
            "currencyUSD",
            [
                target(
                    rate("llmops_inference_cost_usd_total", TENANT, "model, version") + " * 3600",
                    "{{model}} v{{version}}",
                )
            ],
            stack=True,
        ),
        timeseries(
            "Tokens by direction",
            "Input and output tokens per second (selected tenants).",
            "short",
            [target(rate("llmops_inference_tokens_total", TENANT, "direction"), "{{direction}}")],
        ),
    ]


def build() -> Json:
    """The overview dashboard."""
    tenant = variable("tenant", "Tenant", 'llmops_gateway_requests_total{route=~"/v1/.*"}', "tenant")
    return dashboard(
        "llmops-overview",
        "LLMOps / Overview",
        "Traffic, latency, errors and cost of the whole platform; start here in an incident.",
        [*_headline(), *_traffic(), *_errors(), *_cost()],
        [tenant],
    )
