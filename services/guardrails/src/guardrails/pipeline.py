"""Guardrails pipeline: ``llm.completions.v1 -> guard -> reply topic (llm.responses.v1)``.

Each response goes to the reply address named in its request (the topic and the
partition owned by the waiting gateway replica), or to ``llm.responses.v1`` by key.
In paraphrase mode a flagged output instead goes back to ``llm.requests.v1`` as a
rewrite request, and its completion returns here (see :mod:`guardrails.rewrite`).
"""

from __future__ import annotations

from typing import Any

from guardrails.guard import Guard
from guardrails.policy import DEFAULT_POLICY, load_policy
from guardrails.settings import GuardrailsSettings
from llmops import topics
from llmops.dead_letter import RawEvent
from llmops.events import LlmCompletion, LlmRequest, LlmResponse
from llmops.lean_service import LeanStreamingService
from llmops.metric_defs import PipelineMetrics
from llmops.streaming_service import StreamingService
from llmops.tracing import propagate


def build(
    settings: GuardrailsSettings, metrics: PipelineMetrics | None = None, **faust_overrides: Any
) -> StreamingService | LeanStreamingService:
    """Wire the guardrails service: policy (fails here if invalid), topics, steps and consumer.

    Batch mode (``batch_max_events`` > 0, the default) runs the lean pipelined batch
    consumer (:mod:`llmops.batch_consumer`); 0 runs a faust agent that handles events one
    by one, each awaiting its own ack (``faust_overrides`` apply to that mode only).
    """
    guard = Guard(load_policy(settings.policy_file or DEFAULT_POLICY))
    service: StreamingService | LeanStreamingService
    if settings.batch_max_events:
        service = LeanStreamingService(
            "guardrails",
            settings,
            metrics=metrics,
            producer_linger_ms=settings.producer_linger_ms,
            batches_in_flight=settings.batches_in_flight,
        )
    else:
        overrides = {"producer_linger": settings.producer_linger_ms / 1000, **faust_overrides}
        service = StreamingService("guardrails", settings, metrics=metrics, **overrides)

    async def send_response(response: LlmResponse, request: LlmRequest, raw: RawEvent) -> None:
        reply_to = request["reply_to"]
        topic = reply_to["topic"] if reply_to else topics.RESPONSES.name
        partition = reply_to["partition"] if reply_to else None
        value = service.codec.encode(topics.RESPONSES.schema, response)
        key = response["request_id"].encode()
        await service.send(topic, value, key=key, partition=partition, headers=propagate(raw))

    async def send_rewrite(request: LlmRequest, raw: RawEvent) -> None:
        value = service.codec.encode(topics.REQUESTS.schema, request)
        await service.send(
            topics.REQUESTS.name, value, key=request["request_id"].encode(), headers=propagate(raw)
        )

    async def guard_completion(completion: LlmCompletion, raw: RawEvent) -> None:
        decision = guard.decide(completion)
        if decision.rewrite is not None:
            await send_rewrite(decision.rewrite, raw)
        elif decision.response is not None:
            await send_response(decision.response, completion["request"], raw)

    if isinstance(service, LeanStreamingService):
        service.consume_batch(topics.COMPLETIONS, guard_completion, max_events=settings.batch_max_events)
    else:
        service.consume(topics.COMPLETIONS, guard_completion, concurrency=settings.concurrency)
    return service
