"""Guardrails pipeline: ``llm.completions.v1 -> guard -> reply topic (llm.responses.v1)``.

Each response goes to the reply address named in its request (the topic and the
partition owned by the waiting gateway replica), or to ``llm.responses.v1`` by key.
"""

from __future__ import annotations

from typing import Any

from guardrails.chain import ScannerChain
from guardrails.email_scanner import EmailScanner
from guardrails.guard import Guard
from guardrails.settings import GuardrailsSettings
from llmops import topics
from llmops.dead_letter import RawEvent
from llmops.events import LlmCompletion
from llmops.streaming_service import StreamingService
from llmops.tracing import propagate


def build(settings: GuardrailsSettings, **faust_overrides: Any) -> StreamingService:
    """Wire the guardrails service: topics, steps and agent."""
    service = StreamingService("guardrails", settings, **faust_overrides)
    guard = Guard(
        ScannerChain("input", [EmailScanner()]),
        ScannerChain("output", [EmailScanner()]),
        settings.policy_version,
    )

    async def produce_response(completion: LlmCompletion, raw: RawEvent) -> None:
        response = guard.respond(completion)
        reply_to = completion["request"]["reply_to"]
        topic = reply_to["topic"] if reply_to else topics.RESPONSES.name
        partition = reply_to["partition"] if reply_to else None
        value = service.codec.encode(topics.RESPONSES.schema, response)
        await service.send(topic, value, key=raw.key, partition=partition, headers=propagate(raw))

    service.consume(topics.COMPLETIONS, produce_response, concurrency=settings.concurrency)
    return service
