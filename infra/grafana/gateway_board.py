"""The gateway dashboard: HTTP traffic and latency, capacity, reply plumbing, limits."""

from __future__ import annotations

from board import dashboard, variable
from model import Json, row, target, timeseries
from queries import process_panels, quantile_targets, rate

ROUTE_TENANT = 'route=~"$route", tenant=~"$tenant"'
ROUTE_TENANT_5XX = ROUTE_TENANT + ', status=~"5.."'


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
        timeseries(
            "Replies not yet delivered",
            "Responses on each replica's leased reply partition that it has not read yet. Growing while "
            "callers time out = the replica's reply listener is stuck (restart it; the lease moves).",
            "short",
            [target("llmops_gateway_consumer_lag_messages", "{{instance}} p{{partition}}")],
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
