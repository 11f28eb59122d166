"""Dead-letter ids, filters and the ``show`` rendering (no servers)."""

from __future__ import annotations

import pytest

from audit.sample_events import Inference
from llmops import topics
from llmops.codec import AvroCodec
from llmops.ops.dead_letter_report import describe
from llmops.ops.dead_letters import DeadLetterFilter, parse_position
from llmops.ops.event_view import EventView, view_of
from llmops.testing.records import RecordOf, dead_letter_of


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2:17", (2, 17)), (" 0:0 ", (0, 0)), ("req-1", None), ("2:x", None), ("1:2:3", None), (":5", None)],
)
def test_parse_position(text: str, expected: tuple[int, int] | None) -> None:
    assert parse_position(text) == expected


def _view(codec: AvroCodec, record_of: RecordOf, payload: bytes, service: str = "inference") -> EventView:
    return view_of(codec, record_of(topics.DEADLETTER, dead_letter_of(topics.REQUESTS, payload, service)))


@pytest.mark.parametrize(
    ("chosen", "kept"),
    [
        (DeadLetterFilter(), True),
        (DeadLetterFilter(source_topic="llm.requests.v1"), True),
        (DeadLetterFilter(source_topic="llm.responses.v1"), False),
        (DeadLetterFilter(reason="c3 01 MARKER"), True),
        (DeadLetterFilter(reason="invalidmessage"), True),
        (DeadLetterFilter(reason="timeout"), False),
        (DeadLetterFilter(service="inference"), True),
        (DeadLetterFilter(service="audit"), False),
        (DeadLetterFilter(request_id="req-1"), True),
        (DeadLetterFilter(request_id="req-2"), False),
    ],
)
def test_dead_letter_filters(
    codec: AvroCodec, record_of: RecordOf, chosen: DeadLetterFilter, kept: bool
) -> None:
    assert chosen.matches(_view(codec, record_of, b"garbage")) is kept


def test_undecodable_dead_letters_match_no_filter(codec: AvroCodec) -> None:
    view = view_of(
        codec,
        type(
            "R",
            (),
            {
                "topic": topics.DEADLETTER.name,
                "partition": 0,
                "offset": 1,
                "timestamp": 0,
                "key": None,
                "value": b"x",
                "headers": (),
            },
        )(),
    )
    assert not DeadLetterFilter().matches(view)
    assert describe(view)[0].startswith("0:1: undecodable dead-letter event")


def test_show_decodes_the_payload_when_it_can(
    codec: AvroCodec, inference: Inference, record_of: RecordOf
) -> None:
    payload = record_of(topics.REQUESTS, inference.request).value or b""
    lines = describe(_view(codec, record_of, payload))
    assert lines[0] == "dead letter      2:7 at 2026-11-18T11:06:40.500Z"
    assert "source           llm.requests.v1:4:99" in lines
    assert "header           traceparent=00-abc-def-01" in lines
    assert lines[-2].startswith(f"payload          {len(payload)} bytes, decoded:")
    assert '"request_id": "req-1"' in lines[-1]


def test_show_dumps_undecodable_payloads_as_hex(codec: AvroCodec, record_of: RecordOf) -> None:
    payload = bytes(range(256)) + b"tail"
    lines = describe(_view(codec, record_of, payload))
    assert lines[-18] == "payload          260 bytes, not decodable; hex:"
    assert lines[-17] == "  0000  " + " ".join(f"{b:02x}" for b in range(16))
    assert lines[-1] == "  … 4 more bytes"
