"""One Kafka record as an operator sees it: decoded event, or why it could not be decoded.

Platform topics are decoded with their schema from the topic map (an event of another
schema on a platform topic is undecodable there, exactly as the services would judge
it); other topics with the writer schema named by the event's fingerprint. A
dead-letter event's payload is decoded too, when it can be, so filters and columns see
the request id and tenant of the event that failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from llmops import topics
from llmops.codec import AvroCodec
from llmops.errors import InvalidMessage

HEX_PREFIX_BYTES = 32


@dataclass(frozen=True)
class EventView:
    """A decoded (or undecodable) record.

    Attributes:
        topic: Topic read.
        partition: Partition read.
        offset: Offset of the record.
        timestamp_ms: The record's Kafka timestamp (UTC epoch ms).
        key: Raw key.
        value: Raw value.
        headers: Raw headers.
        schema: Schema name of the event (``None`` when undecodable).
        event: The decoded event (``None`` when undecodable).
        error: Why decoding failed (``None`` when decoded).
        inner: For a dead-letter event, its decoded payload when decodable.
    """

    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes | None], ...]
    schema: str | None
    event: dict[str, Any] | None
    error: str | None = None
    inner: dict[str, Any] | None = None

    @property
    def position(self) -> str:
        """``partition:offset``, the id operators pass to ``deadletter show``."""
        return f"{self.partition}:{self.offset}"

    @property
    def hex_prefix(self) -> str:
        """The first bytes of the value in hex, to recognise what was written."""
        more = "…" if len(self.value) > HEX_PREFIX_BYTES else ""
        return self.value[:HEX_PREFIX_BYTES].hex() + more

    def header(self, name: str) -> bytes | None:
        """The value of the last header called ``name``, if any."""
        found = [v for k, v in self.headers if k == name]
        return found[-1] if found else None


def decode_payload(codec: AvroCodec, value: bytes, topic: str) -> tuple[str, dict[str, Any]]:
    """Decode ``value`` as read from ``topic``; returns (schema name, event).

    Raises:
        InvalidMessage: With the codec's reason.
    """
    spec = topics.BY_NAME.get(topic)
    schema = spec.schema if spec is not None else codec.writer_of(value).name
    return schema, codec.decode(value, schema)


def view_of(codec: AvroCodec, record: Any) -> EventView:
    """Build the view of an aiokafka ``ConsumerRecord`` (never raises on bad bytes)."""
    value = bytes(record.value or b"")
    base: dict[str, Any] = {
        "topic": record.topic,
        "partition": record.partition,
        "offset": record.offset,
        "timestamp_ms": int(record.timestamp),
        "key": record.key,
        "value": value,
        "headers": tuple((str(k), v) for k, v in (record.headers or ())),
    }
    try:
        schema, event = decode_payload(codec, value, record.topic)
    except InvalidMessage as exc:
        return EventView(**base, schema=None, event=None, error=exc.reason)
    inner = _inner_event(codec, event) if schema == topics.DEADLETTER.schema else None
    return EventView(**base, schema=schema, event=event, inner=inner)


def _inner_event(codec: AvroCodec, dead_letter: dict[str, Any]) -> dict[str, Any] | None:
    try:
        return decode_payload(codec, dead_letter["payload"], dead_letter["source_topic"])[1]
    except InvalidMessage:
        return None


def text_or_hex(raw: bytes | None, hex_marker: str = "") -> str | None:
    """``raw`` as UTF-8 text, or as hexadecimal after ``hex_marker`` when it is not text."""
    if raw is None:
        return None
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return hex_marker + raw.hex()
