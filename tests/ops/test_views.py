"""Decoding, columns, filters and rendering of events as ``tail`` prints them."""

from __future__ import annotations

import base64
from typing import Any

import orjson
import pytest

from audit.sample_events import Inference
from llmops import topics
from llmops.codec import AvroCodec
from llmops.ops.event_view import view_of
from llmops.ops.filters import EventFilter
from llmops.ops.formatting import fit, json_line, table_header, table_line, utc_iso
from llmops.ops.summary import Summary, summarize
from llmops.testing.records import FakeRecord, RecordOf, dead_letter_of


def _summary(codec: AvroCodec, record: FakeRecord) -> Summary:
    return summarize(view_of(codec, record))


def test_request_completion_and_response_columns(
    codec: AvroCodec, inference: Inference, record_of: RecordOf
) -> None:
    request = _summary(codec, record_of(topics.REQUESTS, inference.request))
    completion = _summary(codec, record_of(topics.COMPLETIONS, inference.completion))
    response = _summary(codec, record_of(topics.RESPONSES, inference.response))
    assert request == Summary("req-1", "acme", "llama-3.1-8b", None, "messages=1 max_tokens=64")
    assert completion.model == "llama-3.1-8b@3" and completion.action is None
    assert completion.detail == "stop tokens=24/9 total=40ms backend=tgi"
    assert (response.request_id, response.action) == ("req-1", "redact")
    assert response.detail == "guardrails=0.3ms categories=pii:email,pii:phone"


def test_rewrite_request_and_failed_completion_say_so(
    codec: AvroCodec, inference: Inference, record_of: RecordOf
) -> None:
    rewrite = {**inference.request, "request_id": "req-1:rewrite", "metadata": {"llmops.rewrite_of": "req-1"}}
    failed = {
        **inference.completion,
        "error": {"code": "model_timeout", "message": "x", "http_status": 504, "retriable": True},
    }
    assert "rewrite_of=req-1" in _summary(codec, record_of(topics.REQUESTS, rewrite)).detail
    assert _summary(codec, record_of(topics.COMPLETIONS, failed)).detail.endswith("error=model_timeout")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b'{"json": true}', "missing C3 01 marker"),
        (b"\xc3\x01" + b"\x00" * 8 + b"body", "unknown writer schema fingerprint"),
        (b"", "missing C3 01 marker"),
        (None, "missing C3 01 marker"),
    ],
)
def test_undecodable_events_show_reason_and_hex_prefix(
    codec: AvroCodec, value: bytes | None, reason: str
) -> None:
    view = view_of(codec, FakeRecord(topics.REQUESTS.name, 1, 5, 1_795_000_000_000, b"k-9", value))
    summary = summarize(view)
    assert view.event is None and reason in (view.error or "")
    assert summary.request_id == "k-9"
    assert summary.detail.startswith("UNDECODABLE: ") and (value or b"")[:4].hex() in summary.detail


def test_an_event_of_another_schema_on_a_platform_topic_is_undecodable(
    codec: AvroCodec, inference: Inference, record_of: RecordOf
) -> None:
    misplaced = record_of(topics.RESPONSES, inference.response)
    view = view_of(codec, FakeRecord(topics.REQUESTS.name, 0, 0, 0, None, misplaced.value))
    assert view.event is None and "expected a request event" in (view.error or "")


def test_unmapped_topics_decode_by_writer_fingerprint(
    codec: AvroCodec, inference: Inference, record_of: RecordOf
) -> None:
    reply = record_of(topics.RESPONSES, inference.response)
    view = view_of(codec, FakeRecord("billing.replies", 0, 0, 0, b"req-1", reply.value))
    assert view.schema == "response" and summarize(view).action == "redact"


@pytest.mark.parametrize("decodable", [True, False])
def test_dead_letters_show_the_failed_events_request(
    codec: AvroCodec, inference: Inference, record_of: RecordOf, decodable: bool
) -> None:
    payload = record_of(topics.REQUESTS, inference.request).value if decodable else b"garbage"
    dead = dead_letter_of(topics.REQUESTS, payload or b"")
    view = view_of(codec, record_of(topics.DEADLETTER, dead, key=b"req-1"))
    summary = summarize(view)
    assert summary.request_id == "req-1"
    assert summary.tenant == ("acme" if decodable else None)
    assert summary.detail.startswith("inference dead-lettered llm.requests.v1:4:99: InvalidMessage: not Avro")


FILTER_CASES = [
    (EventFilter(), Summary(None, None, None, None, ""), True),
    (EventFilter(tenant="acme"), Summary("r", "acme", None, None, ""), True),
    (EventFilter(tenant="acme"), Summary("r", "globex", None, None, ""), False),
    (EventFilter(tenant="acme"), Summary("r", None, None, None, ""), False),
    (EventFilter(request_id="r"), Summary("r", None, None, None, ""), True),
    (EventFilter(request_id="r"), Summary("r:rewrite", None, None, None, ""), True),
    (EventFilter(request_id="r"), Summary("rr", None, None, None, ""), False),
    (EventFilter(action="BLOCK"), Summary("r", None, None, "block", ""), True),
    (EventFilter(action="block"), Summary("r", None, None, "allow", ""), False),
    (EventFilter(action="block"), Summary("r", None, None, None, ""), False),
    (EventFilter(tenant="acme", action="redact"), Summary("r", "acme", None, "redact", ""), True),
    (EventFilter(tenant="acme", action="redact"), Summary("r", "acme", None, "allow", ""), False),
]


@pytest.mark.parametrize(("event_filter", "summary", "shown"), FILTER_CASES)
def test_filters(event_filter: EventFilter, summary: Summary, shown: bool) -> None:
    assert event_filter.matches(summary) is shown


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [("abc", 5, "abc  "), ("abcdef", 5, "abcd…"), (None, 3, "-  "), ("", 2, "- "), ("abcde", 5, "abcde")],
)
def test_fit(text: str | None, width: int, expected: str) -> None:
    assert fit(text, width) == expected


@pytest.mark.parametrize(
    ("epoch_ms", "expected"),
    [(0, "1970-01-01T00:00:00.000Z"), (1_795_000_000_007, "2026-11-18T11:06:40.007Z")],
)
def test_utc_iso(epoch_ms: int, expected: str) -> None:
    assert utc_iso(epoch_ms) == expected


def test_table_lines_align_with_the_header(
    codec: AvroCodec, inference: Inference, record_of: RecordOf
) -> None:
    view = view_of(codec, record_of(topics.RESPONSES, inference.response, offset=1234))
    line, header = table_line(view, summarize(view)), table_header()
    assert line.startswith("2026-11-18T11:06:40.000Z 2:1234     req-1")
    assert line.index("acme") == header.index("TENANT")
    assert line.index("redact ") == header.index("ACTION")


def test_json_lines_keep_everything(codec: AvroCodec, inference: Inference, record_of: RecordOf) -> None:
    dead = dead_letter_of(topics.REQUESTS, b"\xff\x00raw")
    record = record_of(topics.DEADLETTER, dead)
    record = FakeRecord(**{**record.__dict__, "headers": (("traceparent", b"00-a"), ("bin", b"\xff"))})
    body: dict[str, Any] = orjson.loads(json_line(view_of(codec, record)))
    assert body["headers"] == {"traceparent": "00-a", "bin": "hex:ff"}
    assert body["schema"] == "dead_letter" and body["key"] == "req-1"
    assert base64.b64decode(body["event"]["payload"]) == b"\xff\x00raw"
    assert "payload_event" not in body
    bad = orjson.loads(json_line(view_of(codec, FakeRecord("t", 0, 1, 0, None, b"nope"))))
    assert bad["undecodable"].startswith("not Avro") and bad["value_hex_prefix"] == b"nope".hex()
