"""faust codecs for the platform's Avro events.

Registering them lets any faust app (a backend service's, a notebook's) declare a
platform topic with ``value_serializer="llmops-<schema>"`` and get decoded dicts. The
platform's own services read raw bytes instead, so that an undecodable event reaches
the dead-letter topic with its bytes rather than being dropped by faust's
deserializer.
"""

from __future__ import annotations

from typing import Any

import faust.serializers.codecs as faust_codecs

from llmops.codec import AvroCodec


class AvroFaustCodec(faust_codecs.Codec):
    """A faust codec for one schema: ``dumps`` encodes the latest version, ``loads`` resolves any."""

    def __init__(self, codec: AvroCodec, schema: str, **kwargs: Any) -> None:
        super().__init__(codec=codec, schema=schema, **kwargs)
        self.avro = codec
        self.schema = schema

    def _dumps(self, obj: Any) -> bytes:
        return self.avro.encode(self.schema, obj)

    def _loads(self, s: bytes) -> Any:
        return self.avro.decode(s, self.schema)


def codec_name(schema: str) -> str:
    """The faust serializer name of a schema, e.g. ``llmops-request``."""
    return f"llmops-{schema}"


def register_faust_codecs(codec: AvroCodec) -> list[str]:
    """Register one faust codec per schema in ``codec``'s store; return their names."""
    names = []
    for schema in sorted(codec.store.names()):
        faust_codecs.register(codec_name(schema), AvroFaustCodec(codec, schema))
        names.append(codec_name(schema))
    return names
