"""The inference step: one request in, one completion out, never a silent drop.

``route -> call with retries (bounded by the deadline) -> price -> completion``. Every
way a request can fail -- unknown alias, deadline already passed, breaker open with no
fallback, server errors after the last retry -- ends in a completion carrying the error
and the HTTP status the caller should get, so the gateway answers instead of waiting.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from inference import completion_builder
from inference.completion_builder import CallRecord
from inference.metric_defs import COMPLETIONS, COST_USD, FALLBACKS, MODEL_CALL_SECONDS, RETRIES, TOKENS
from inference.model_call import EndpointUnavailable, Generation, ModelCallFailed
from inference.retry import Attempts, RetryPolicy, with_retries
from inference.routing import Route, Router
from llmops.clock import now_ms
from llmops.events import InferenceError, LlmCompletion, LlmRequest

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GeneratorPolicy:
    """Request-level limits.

    Attributes:
        retry: Retries of one model call.
        default_deadline_s: Deadline of requests that carry none, counted from their creation.
    """

    retry: RetryPolicy = field(default_factory=RetryPolicy)
    default_deadline_s: float = 120.0


class Generator:
    """Generate completions over the catalog's models.

    Args:
        router: Picks the version and endpoint of each request.
        policy: Retries and default deadline.
    """

    def __init__(self, router: Router, policy: GeneratorPolicy) -> None:
        self.router = router
        self.policy = policy

    async def complete(self, request: LlmRequest) -> LlmCompletion:
        """Return the completion of ``request``; errors become completions carrying the error."""
        started = now_ms()
        route = self.router.route(request)
        if route is None:
            known = ", ".join(self.router.catalog.aliases())
            message = f"unknown model {request['model']!r}; known models: {known}"
            lineage = completion_builder.unknown_lineage(request["model"])
            return _failed(request, "unknown_model", message, 404, CallRecord(lineage, started, now_ms()))
        deadline_ms = request["deadline"] or request["created_at"] + int(
            self.policy.default_deadline_s * 1000
        )
        attempts, route = await self._call(request, route, deadline_ms / 1000.0)
        call = CallRecord(route.version.lineage(), started, now_ms(), attempts.count, route.fallback_reason)
        if route.fallback_code is not None:
            FALLBACKS.labels(request["model"], route.fallback_code).inc()
        if attempts.generation is None:
            failure = attempts.failure or ModelCallFailed("no attempt was made", 504, False)
            return _failed(
                request, _error_code(failure), str(failure), failure.http_status, call, failure.retriable
            )
        return _completed(request, attempts.generation, route, call)

    async def close(self) -> None:
        """Close every endpoint's connections."""
        for endpoint in self.router.endpoints.values():
            await endpoint.close()

    async def _call(self, request: LlmRequest, route: Route, deadline_s: float) -> tuple[Attempts, Route]:
        attempts = await self._attempts(request, route, deadline_s)
        failure = attempts.failure
        if isinstance(failure, EndpointUnavailable) and route.fallback_code is None:
            alias = self.router.catalog.alias(request["model"])
            if alias is not None and alias.fallback:
                code = failure.reason if failure.reason == "breaker_open" else "saturated_in_flight"
                fallback = self.router.to_fallback(alias, request, route, code, f"{code}: {failure}")
                if fallback is not route:
                    more = await self._attempts(request, fallback, deadline_s)
                    return Attempts(more.generation, more.failure, attempts.count + more.count), fallback
        return attempts, route

    async def _attempts(self, request: LlmRequest, route: Route, deadline_s: float) -> Attempts:
        version, endpoint = route.version, route.endpoint
        max_tokens = min(request["params"]["max_tokens"], version.max_output_tokens)
        calls = 0

        async def attempt(budget_s: float) -> Generation:
            nonlocal calls
            calls += 1
            if calls > 1:
                RETRIES.labels(endpoint.url).inc()
            return await endpoint.call(version, request, max_tokens, budget_s)

        started = time.perf_counter()
        attempts = await with_retries(attempt, self.policy.retry, deadline_s, time.time)
        MODEL_CALL_SECONDS.labels(version.alias, version.version).observe(time.perf_counter() - started)
        if isinstance(attempts.failure, EndpointUnavailable):
            return Attempts(None, attempts.failure, attempts.count - 1)  # nothing was sent
        return attempts


def _error_code(failure: ModelCallFailed) -> str:
    if isinstance(failure, EndpointUnavailable):
        return failure.reason
    if failure.timed_out:
        return "timeout"
    return "invalid_request" if failure.http_status == 400 else "backend_error"


def _completed(request: LlmRequest, generation: Generation, route: Route, call: CallRecord) -> LlmCompletion:
    version = route.version
    completion = completion_builder.completed(request, generation, version, call)
    labels = (request["tenant"], version.alias, version.version)
    TOKENS.labels(*labels, "input").inc(generation.input_tokens)
    TOKENS.labels(*labels, "output").inc(generation.output_tokens)
    COST_USD.labels(*labels).inc(completion["cost_usd"])
    COMPLETIONS.labels(version.alias, version.version, str(version.canary).lower(), "ok").inc()
    return completion


def _failed(
    request: LlmRequest, code: str, message: str, status: int, call: CallRecord, retriable: bool = False
) -> LlmCompletion:
    log.warning(
        "completion carries an error", extra={"code": code, "status": status, "attempts": call.attempts}
    )
    lineage = call.lineage
    alias = lineage["alias"] if lineage["version"] else "unknown"  # never a caller-chosen label value
    COMPLETIONS.labels(alias, lineage["version"], str(lineage["canary"]).lower(), "error").inc()
    error = InferenceError(code=code, message=message, http_status=status, retriable=retriable)
    return completion_builder.failed(request, error, call)
