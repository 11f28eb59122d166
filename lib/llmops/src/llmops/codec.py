"""Avro single-object encoding with writer-schema resolution by fingerprint.

Wire format (Avro specification, "Single-object encoding"): the two marker bytes
``C3 01``, the 8-byte little-endian CRC-64-AVRO fingerprint of the writer schema,
then the Avro binary body. A reader looks the fingerprint up among every known
version of the expected schema and resolves the writer's version into its own
(latest) version, so producers and consumers can be upgraded independently.
"""

from __future__ import annotations

import io
from typing import Any

import fastavro

from llmops.errors import InvalidMessage
from llmops.schema_store import SchemaStore, SchemaVersion

MARKER = b"\xc3\x01"
HEADER_SIZE = len(MARKER) + 8
CONTENT_TYPE = "application/vnd.apache.avro+binary; format=single-object"


class AvroCodec:
    """Encode and decode events of the schemas in a :class:`SchemaStore`.

    The codec is safe to share: it holds only parsed schemas.
    """

    def __init__(self, store: SchemaStore) -> None:
        self.store = store

    def encode(self, schema: str, record: Any, version: int | None = None) -> bytes:
        """Encode ``record`` with a version of ``schema`` (latest by default).

        Raises:
            ValueError: When the record does not match the schema (a programming
                error in the producer, not bad input).
        """
        writer = self.store.get(schema, version)
        buffer = io.BytesIO()
        buffer.write(MARKER)
        buffer.write(writer.fingerprint)
        try:
            fastavro.schemaless_writer(buffer, writer.parsed, record, strict_allow_default=True)
        except (TypeError, AttributeError, KeyError) as exc:
            raise ValueError(f"record does not match {schema}.v{writer.version}: {exc}") from exc
        return buffer.getvalue()

    def decode(self, data: bytes, schema: str) -> Any:
        """Decode an event written with any known version of ``schema``.

        The result follows the latest version of ``schema``: fields added since the
        writer's version take their defaults, removed fields are dropped.

        Raises:
            InvalidMessage: When the bytes are not single-object encoded, the writer
                schema is unknown or belongs to another schema, or the body is corrupt.
        """
        writer = self.writer_of(data)
        if writer.name != schema:
            raise InvalidMessage(f"expected a {schema} event, got {writer.name}.v{writer.version}")
        reader = self.store.get(schema)
        # Written with the latest version (the common case): no resolution to do, and telling
        # fastavro so skips its comparison of the two schemas (a third of a decode's cost).
        resolve_to = None if reader is writer else reader.parsed
        body = io.BytesIO(data[HEADER_SIZE:])
        try:
            event = fastavro.schemaless_reader(body, writer.parsed, resolve_to)
        except (EOFError, ValueError, UnicodeDecodeError, IndexError, TypeError) as exc:
            raise InvalidMessage(f"corrupt {schema} body: {type(exc).__name__}: {exc}") from exc
        except fastavro.read.SchemaResolutionError as exc:
            raise InvalidMessage(
                f"{writer.name}.v{writer.version} cannot be read as {schema}: {exc}"
            ) from exc
        leftover = len(data) - HEADER_SIZE - body.tell()
        if leftover:
            raise InvalidMessage(f"{leftover} unexpected bytes after the {schema} record")
        return event

    def writer_of(self, data: bytes) -> SchemaVersion:
        """Return the writer schema named by the header of ``data``.

        Raises:
            InvalidMessage: When the header is missing or the fingerprint is unknown.
        """
        if data is None or len(data) < HEADER_SIZE or data[:2] != MARKER:
            raise InvalidMessage("not Avro single-object encoded (missing C3 01 marker)")
        writer = self.store.by_fingerprint(bytes(data[2:HEADER_SIZE]))
        if writer is None:
            raise InvalidMessage(f"unknown writer schema fingerprint {data[2:HEADER_SIZE].hex()}")
        return writer
