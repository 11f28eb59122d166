"""Kafka records built in memory, for tests of code that reads ``ConsumerRecord`` fields."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from llmops import topics
from llmops.events import DeadLetter


@dataclass(frozen=True)
class FakeRecord:
    """The fields of an aiokafka ``ConsumerRecord`` that the operator tools read."""

    topic: str
    partition: int
    offset: int
    timestamp: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes | None], ...] = ()


RecordOf = Callable[..., FakeRecord]
"""``record_of(topic_spec, event, offset=..., timestamp=..., key=..., partition=...)``."""


def encoded_record(
    codec: Any,
    spec: topics.TopicSpec,
    event: Any,
    offset: int = 7,
    timestamp: int = 1_795_000_000_000,
    key: bytes | None = b"req-1",
    partition: int = 2,
) -> FakeRecord:
    """A record of ``spec``'s topic carrying ``event`` encoded by ``codec``."""
    return FakeRecord(spec.name, partition, offset, timestamp, key, codec.encode(spec.schema, event))


def dead_letter_of(source: topics.TopicSpec, payload: bytes, service: str = "inference") -> DeadLetter:
    """A dead letter of an event read from ``source`` at partition 4, offset 99, key ``req-1``."""
    return {
        "source_topic": source.name,
        "source_partition": 4,
        "source_offset": 99,
        "source_key": b"req-1",
        "payload": payload,
        "headers": [{"key": "traceparent", "value": b"00-abc-def-01"}],
        "error_type": "InvalidMessage",
        "error": "not Avro single-object encoded (missing C3 01 marker)",
        "service": service,
        "created_at": 1_795_000_000_500,
    }
