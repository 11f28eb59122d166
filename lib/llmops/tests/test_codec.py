"""AvroCodec.encode: producer-side contract (bad input on the consumer side is in tests/contracts)."""

from __future__ import annotations

from typing import Any

import pytest

from llmops.codec import CONTENT_TYPE, HEADER_SIZE, MARKER, AvroCodec
from llmops.errors import ConfigurationError


def _dead_letter(**changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "source_topic": "llm.requests.v1",
        "source_partition": 1,
        "source_offset": 42,
        "source_key": b"k",
        "payload": b"\x00\x01",
        "headers": [],
        "error_type": "InvalidMessage",
        "error": "bad",
        "service": "audit",
        "created_at": 1_763_337_600_000,
    }
    event.update(changes)
    return {k: v for k, v in event.items() if v is not _MISSING}


_MISSING = object()


def test_encode_writes_the_single_object_header(codec: AvroCodec) -> None:
    data = codec.encode("dead_letter", _dead_letter())
    assert data.startswith(MARKER)
    assert codec.writer_of(data) is codec.store.get("dead_letter")
    assert len(data) > HEADER_SIZE
    assert "single-object" in CONTENT_TYPE


def test_fields_with_defaults_may_be_omitted(codec: AvroCodec) -> None:
    event = _dead_letter(source_key=_MISSING, headers=_MISSING)
    assert codec.decode(codec.encode("dead_letter", event), "dead_letter") == {
        **event,
        "source_key": None,
        "headers": [],
    }


def test_encode_with_an_unknown_schema_is_a_configuration_error(codec: AvroCodec) -> None:
    with pytest.raises(ConfigurationError):
        codec.encode("nope", {})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"payload": _MISSING}, "payload"),
        ({"unexpected": 1}, "unexpected"),
    ],
    ids=["missing-required-field", "unknown-field"],
)
def test_record_not_matching_the_schema_raises_value_error(
    codec: AvroCodec, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        codec.encode("dead_letter", _dead_letter(**changes))


@pytest.mark.parametrize(
    "changes",
    [{"source_topic": 5}, {"payload": "text, not bytes"}],
    ids=["int-for-string", "str-for-bytes"],
)
def test_wrongly_typed_record_raises_value_error(codec: AvroCodec, changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        codec.encode("dead_letter", _dead_letter(**changes))
