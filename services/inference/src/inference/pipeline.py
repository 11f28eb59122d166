"""Inference pipeline: ``llm.requests.v1 -> generate -> llm.completions.v1``.

The whole flow of the service on one screen: the agent reads raw requests, the shared
:class:`~llmops.stream_processor.EventProcessor` decodes them (dead-lettering invalid
ones), :class:`~inference.generate.Generator` calls the model server, and the
completion is produced (acks=all) before the request's offset can be committed.
"""

from __future__ import annotations

from typing import Any

from inference.generate import Generator
from inference.model_client import ModelClient
from inference.settings import InferenceSettings
from llmops import preflight, topics
from llmops.dead_letter import RawEvent
from llmops.events import LlmRequest, ModelLineage
from llmops.streaming_service import StreamingService
from llmops.tracing import propagate


def lineage_of(settings: InferenceSettings) -> ModelLineage:
    """Lineage of the primary model, from settings."""
    return ModelLineage(
        alias=settings.model_alias,
        version=settings.model_version,
        model_id=settings.model_id,
        revision=settings.model_revision,
        endpoint=settings.tgi_url,
        backend=settings.backend,
        canary=False,
    )


def build(settings: InferenceSettings, **faust_overrides: Any) -> StreamingService:
    """Wire the inference service: topics, steps and agent."""
    service = StreamingService("inference", settings, **faust_overrides)
    client = ModelClient(settings.tgi_url, settings.request_timeout_s)
    service.preflight.append(preflight.http("model server", f"{settings.tgi_url.rstrip('/')}/health"))
    generator = Generator(client, lineage_of(settings), settings.max_in_flight)

    async def produce_completion(request: LlmRequest, raw: RawEvent) -> None:
        completion = await generator.complete(request)
        value = service.codec.encode(topics.COMPLETIONS.schema, completion)
        await service.send(topics.COMPLETIONS.name, value, key=raw.key, headers=propagate(raw))

    service.consume(topics.REQUESTS, produce_completion, concurrency=settings.max_in_flight)
    return service
