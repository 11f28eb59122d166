"""One model endpoint: its client, its breaker, its in-flight bound and its load.

The in-flight bound is what keeps a hung server from stalling the worker: a call only
starts if the endpoint has a free slot, and a request that finds none is not parked in
front of it (which would tie up one of the agent's actors per request until every
actor waits on the sick server and every other partition stalls) -- it is handed back
at once as :class:`~inference.model_call.EndpointUnavailable` (``saturated``), so the
router can send it to the fallback model or answer it with an error.
"""

from __future__ import annotations

import time

from inference.breaker import BreakerPolicy, BreakerState, CircuitBreaker, Outcome
from inference.catalog import BackendKind, ModelVersion
from inference.load_probe import LoadProbe
from inference.metric_defs import BREAKER_STATE, IN_FLIGHT
from inference.model_call import EndpointUnavailable, Generation, ModelCallFailed
from inference.model_client import ModelClient
from llmops.events import LlmRequest


class Endpoint:
    """Calls to one model server, guarded.

    Versions served by the same server (a canary on the OpenAI route of the primary's
    TGI, say) share its breaker, its slots and its load reading: they share its GPU.

    Args:
        url: Server base URL.
        timeout_s: Upper bound of one call.
        max_in_flight: Calls open at once from this worker.
        breaker_policy: Thresholds of its circuit breaker.
    """

    def __init__(self, url: str, timeout_s: float, max_in_flight: int, breaker_policy: BreakerPolicy) -> None:
        self.url = url
        self.timeout_s = timeout_s
        self.max_in_flight = max_in_flight
        self._clients: dict[tuple[BackendKind, str], ModelClient] = {}
        self.in_flight = 0
        self.probe = LoadProbe(self.url)
        self.breaker = CircuitBreaker(breaker_policy, time.monotonic, self._breaker_changed)
        BREAKER_STATE.labels(self.url).set(BreakerState.CLOSED)
        self._in_flight_gauge = IN_FLIGHT.labels(self.url)

    @property
    def saturated(self) -> bool:
        """True when every slot is taken."""
        return self.in_flight >= self.max_in_flight

    def queue_size(self) -> float:
        """The server's own queue length as last read (0 when unknown)."""
        load = self.probe.latest
        return load.queue_size if load is not None else 0.0

    def client(self, backend: BackendKind, model_id: str) -> ModelClient:
        """The client speaking ``backend``'s API for ``model_id`` (one per pair, reused)."""
        key = (backend, model_id)
        if key not in self._clients:
            self._clients[key] = ModelClient(self.url, self.timeout_s, backend, model_id)
        return self._clients[key]

    async def close(self) -> None:
        """Close every client's connections."""
        for client in self._clients.values():
            await client.close()

    async def call(
        self, version: ModelVersion, request: LlmRequest, max_tokens: int, timeout_s: float
    ) -> Generation:
        """One guarded attempt of ``version`` (which this endpoint serves).

        Raises:
            EndpointUnavailable: The breaker refused the call or no slot is free (nothing was sent).
            ModelCallFailed: The server failed; recorded by the breaker when it says the server is unwell.
        """
        if self.saturated:
            raise EndpointUnavailable("saturated", self.url)
        if not self.breaker.allow():
            raise EndpointUnavailable("breaker_open", self.url)
        self.in_flight += 1
        self._in_flight_gauge.inc()
        try:
            client = self.client(version.backend, version.model_id)
            generation = await client.generate(request, max_tokens, timeout_s)
        except ModelCallFailed as exc:
            if exc.server_unwell:
                self.breaker.record(Outcome.TIMEOUT if exc.timed_out else Outcome.FAILURE)
            else:
                self.breaker.record(Outcome.SUCCESS)  # the server answered; the request was bad
            raise
        except BaseException:
            self.breaker.abandon()  # cancelled: says nothing about the server
            raise
        finally:
            self.in_flight -= 1
            self._in_flight_gauge.dec()
        self.breaker.record(Outcome.SUCCESS)
        return generation

    def _breaker_changed(self, state: BreakerState) -> None:
        BREAKER_STATE.labels(self.url).set(state)
