"""The inference step: one request in, one completion out, never a silent drop."""

from __future__ import annotations

import asyncio
import logging

from inference import completion_builder
from inference.model_client import ModelCallFailed, ModelClient
from llmops.clock import now_ms
from llmops.events import InferenceError, LlmCompletion, LlmRequest, ModelLineage

log = logging.getLogger(__name__)


class Generator:
    """Generate completions with bounded concurrency.

    Args:
        client: Client of the model endpoint.
        lineage: Lineage of the model behind ``client``.
        max_in_flight: Upper bound of concurrent model calls of this worker.
    """

    def __init__(self, client: ModelClient, lineage: ModelLineage, max_in_flight: int) -> None:
        self.client = client
        self.lineage = lineage
        self._slots = asyncio.Semaphore(max_in_flight)

    async def complete(self, request: LlmRequest) -> LlmCompletion:
        """Return the completion of ``request``; errors become completions carrying the error."""
        started = now_ms()
        if request["model"] != self.lineage["alias"]:
            error = InferenceError(
                code="unknown_model",
                message=f"unknown model {request['model']!r}; known: {self.lineage['alias']}",
                http_status=400,
                retriable=False,
            )
            return completion_builder.failed(request, error, self.lineage, started, now_ms())
        async with self._slots:
            try:
                generation = await self.client.generate(request)
            except ModelCallFailed as exc:
                log.warning("model call failed", extra={"error": str(exc), "status": exc.http_status})
                error = InferenceError(
                    code="backend_error",
                    message=str(exc),
                    http_status=exc.http_status,
                    retriable=exc.retriable,
                )
                return completion_builder.failed(request, error, self.lineage, started, now_ms())
        return completion_builder.completed(request, generation, self.lineage, started, now_ms())
