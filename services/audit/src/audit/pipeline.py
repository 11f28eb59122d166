"""Audit pipeline: ``llm.responses.v1 -> audit record -> Elasticsearch``.

The response event's offset is acknowledged only after Elasticsearch acknowledged the
record, and the request id is the document id, so a crash and replay never loses or
duplicates a record.
"""

from __future__ import annotations

from typing import Any

from audit.record import audit_record
from audit.settings import AuditSettings
from audit.writer import AuditWriter
from llmops import preflight, topics
from llmops.dead_letter import RawEvent
from llmops.events import LlmResponse
from llmops.streaming_service import StreamingService


def build(settings: AuditSettings, **faust_overrides: Any) -> StreamingService:
    """Wire the audit service: topic, step and agent."""
    service = StreamingService("audit", settings, **faust_overrides)
    writer = AuditWriter(settings.elasticsearch_url, settings.index)
    service.readiness.add("elasticsearch", writer.ping)
    service.preflight.append(preflight.http("elasticsearch", settings.elasticsearch_url))

    async def write_record(response: LlmResponse, raw: RawEvent) -> None:
        await writer.write(response["request_id"], audit_record(response))

    service.consume(topics.RESPONSES, write_record, concurrency=settings.concurrency)
    return service
