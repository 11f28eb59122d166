"""Which model version serves a request: canary split first, then load-driven fallback.

The alias's versions share its traffic by weight (sticky per request id, see
:mod:`inference.canary`). The chosen version's endpoint is then checked; the request
goes to the alias's fallback model (a small local one) instead when

* the gateway flagged it (``fallback_requested``, e.g. the tenant is over quota),
* the endpoint's circuit breaker is open,
* the endpoint is saturated: this worker's calls to it reach the in-flight threshold,
  or the server's own queue (``tgi_queue_size``) is longer than the queue threshold.

The route records the reason, which the completion carries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from inference.breaker import BreakerState
from inference.canary import pick_version
from inference.catalog import ModelAlias, ModelCatalog, ModelVersion
from inference.endpoint import Endpoint
from llmops.events import LlmRequest


@dataclass(frozen=True)
class FallbackPolicy:
    """When a primary endpoint counts as saturated.

    Attributes:
        in_flight_share: Share of the endpoint's ``max_in_flight`` from which new
            requests go to the fallback (1.0: only when every slot is taken).
        queue_threshold: Server queue length above which new requests go to the fallback.
    """

    in_flight_share: float = 0.9
    queue_threshold: float = 64.0


@dataclass(frozen=True)
class Route:
    """Where one request goes.

    Attributes:
        version: The version that will answer.
        endpoint: Its endpoint.
        fallback_code: Why the fallback serves it (metric label), ``None`` if it does not.
        fallback_reason: The same, with the figures behind it (for the completion).
    """

    version: ModelVersion
    endpoint: Endpoint
    fallback_code: str | None = None
    fallback_reason: str | None = None


class Router:
    """Routes requests over the catalog's versions and endpoints.

    Args:
        catalog: Aliases and versions.
        endpoints: One :class:`Endpoint` per distinct endpoint URL in the catalog.
        policy: Saturation thresholds.
    """

    def __init__(
        self, catalog: ModelCatalog, endpoints: Mapping[str, Endpoint], policy: FallbackPolicy
    ) -> None:
        self.catalog = catalog
        self.endpoints = endpoints
        self.policy = policy

    def route(self, request: LlmRequest) -> Route | None:
        """The route of ``request``, or ``None`` when its alias is unknown."""
        alias = self.catalog.alias(request["model"])
        if alias is None:
            return None
        version = pick_version(alias.versions, request["request_id"])
        primary = Route(version, self.endpoints[version.endpoint])
        reason = self.fallback_reason(request, primary.endpoint)
        if reason is None:
            return primary
        return self.to_fallback(alias, request, primary, *reason)

    def to_fallback(
        self, alias: ModelAlias, request: LlmRequest, primary: Route, code: str, reason: str
    ) -> Route:
        """The fallback route for ``request`` (the primary when the alias has no fallback)."""
        fallback = self.catalog.alias(alias.fallback) if alias.fallback else None
        if fallback is None:
            return primary
        version = pick_version(fallback.versions, request["request_id"])
        return Route(version, self.endpoints[version.endpoint], code, reason)

    def fallback_reason(self, request: LlmRequest, endpoint: Endpoint) -> tuple[str, str] | None:
        """Why ``request`` should not go to ``endpoint``: (code, reason), or ``None``."""
        if request["fallback_requested"]:
            detail = request["fallback_reason"] or "flagged by the gateway"
            return "requested", f"requested: {detail}"
        if endpoint.breaker.state is BreakerState.OPEN:
            return "breaker_open", f"breaker_open: circuit breaker of {endpoint.url} is open"
        limit = max(1, int(endpoint.max_in_flight * self.policy.in_flight_share))
        if endpoint.in_flight >= limit:
            return "saturated_in_flight", f"saturated: {endpoint.in_flight} calls in flight (limit {limit})"
        queue = endpoint.queue_size()
        if queue > self.policy.queue_threshold:
            return "saturated_queue", f"saturated: server queue {queue:g} > {self.policy.queue_threshold:g}"
        return None
