"""Inference pipeline: ``llm.requests.v1 -> route -> generate -> llm.completions.v1``.

The whole flow of the service on one screen: the agent reads raw requests, the shared
:class:`~llmops.stream_processor.EventProcessor` decodes them, malformed or invalid ones
(:func:`~inference.request_checks.check_request`) go to the dead-letter topic with the
reason, :class:`~inference.generate.Generator` routes each to a model version (canary
split, load-driven fallback) and calls it with retries inside its deadline, and the
completion is produced (acks=all) before the request's offset can be committed.

Concurrency: the agent runs ``max_in_flight`` actors; each endpoint admits at most its
catalog ``max_in_flight`` calls and sends the rest elsewhere at once, so a hung server
holds only its own slots and the other partitions keep flowing. A timer reads each
server's load (queue length, batch fullness) off the request path.
"""

from __future__ import annotations

from typing import Any

from inference.generate import Generator
from inference.request_checks import check_request
from inference.server_load import ServerLoadReader
from inference.settings import InferenceSettings
from inference.wiring import generator_of
from llmops import preflight, topics
from llmops.dead_letter import RawEvent
from llmops.errors import ConfigurationError
from llmops.events import LlmRequest
from llmops.streaming_service import StreamingService
from llmops.tracing import propagate


def build(settings: InferenceSettings, **faust_overrides: Any) -> StreamingService:
    """Wire the inference service: topics, steps, agent and load probes."""
    generator = generator_of(settings)
    check_concurrency(settings, generator)
    service = StreamingService("inference", settings, **faust_overrides)
    for url in filter(None, (settings.tgi_url, settings.fallback_url)):
        service.preflight.append(preflight.http("model server", f"{url.rstrip('/')}/health"))

    async def produce_completion(request: LlmRequest, raw: RawEvent) -> None:
        check_request(request)  # InvalidMessage: dead-lettered with the reason by the processor
        completion = await generator.complete(request)
        value = service.codec.encode(topics.COMPLETIONS.schema, completion)
        await service.send(topics.COMPLETIONS.name, value, key=raw.key, headers=propagate(raw))

    service.consume(topics.REQUESTS, produce_completion, concurrency=settings.max_in_flight)

    load_reader = ServerLoadReader(list(generator.router.endpoints.values()))
    service.app.timer(settings.load_probe_interval_s)(load_reader.refresh)

    return service


def check_concurrency(settings: InferenceSettings, generator: Generator) -> None:
    """Refuse an agent concurrency that one hung endpoint could use up entirely.

    Raises:
        ConfigurationError: ``max_in_flight`` is not above every endpoint's slot count.
    """
    widest = max(endpoint.max_in_flight for endpoint in generator.router.endpoints.values())
    if settings.max_in_flight <= widest:
        raise ConfigurationError(
            f"INFERENCE_MAX_IN_FLIGHT ({settings.max_in_flight}) must exceed the largest endpoint "
            f"max_in_flight in the catalog ({widest}): a hung endpoint would otherwise hold every actor"
        )
