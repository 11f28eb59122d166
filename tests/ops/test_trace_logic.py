"""Partition choice, hop ordering, trace rendering and the audit state (no servers)."""

from __future__ import annotations

import pytest

from audit.sample_events import Inference
from llmops import topics
from llmops.codec import AvroCodec
from llmops.ops.audit_state import AuditState, state_from_hits
from llmops.ops.event_view import view_of
from llmops.ops.trace import hops_in_time_order, key_partition, request_keys
from llmops.ops.trace_report import render_trace
from llmops.testing.records import RecordOf, dead_letter_of

# Kafka's own test vectors (org.apache.kafka.common.utils.UtilsTest#testMurmur2), signed 32-bit.
JAVA_MURMUR2 = {
    b"21": -973932308,
    b"foobar": -790332482,
    b"a-little-bit-long-string": -985981536,
    b"a-little-bit-longer-string": -1486304829,
    b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8": -58897971,
}


@pytest.mark.parametrize("partitions", [1, 3, 6, 7, 64])
@pytest.mark.parametrize("key", list(JAVA_MURMUR2))
def test_key_partition_is_the_java_clients(key: bytes, partitions: int) -> None:
    assert key_partition(key, partitions) == (JAVA_MURMUR2[key] & 0x7FFFFFFF) % partitions


def test_request_keys_include_the_rewrite() -> None:
    assert request_keys("r-1") == {b"r-1", b"r-1:rewrite"}


def test_hops_are_ordered_by_time_with_latencies(
    codec: AvroCodec, inference: Inference, record_of: RecordOf
) -> None:
    t0 = 1_795_000_000_000
    views = [
        view_of(codec, record_of(topics.RESPONSES, inference.response, timestamp=t0 + 52)),
        view_of(codec, record_of(topics.REQUESTS, inference.request, timestamp=t0)),
        view_of(codec, record_of(topics.COMPLETIONS, inference.completion, timestamp=t0 + 45)),
    ]
    hops = hops_in_time_order(views)
    assert [h.view.schema for h in hops] == ["request", "completion", "response"]
    assert [h.since_previous_ms for h in hops] == [None, 45, 7]
    lines = render_trace("req-1", hops, AuditState("complete", chain_partition=2, chain_seq=17, index="a-1"))
    assert lines[0] == "request req-1  tenant acme  model llama-3.1-8b"
    assert "+45" in lines[3] and "llm.completions.v1:2:7" in lines[3]
    assert lines[-2] == "3 hops, 52 ms from first to last"
    assert lines[-1] == "audit record: complete (chain partition 2, seq 17) in a-1"


def test_same_time_hops_keep_pipeline_order(
    codec: AvroCodec, inference: Inference, record_of: RecordOf
) -> None:
    dead = dead_letter_of(topics.COMPLETIONS, b"bad", service="guardrails")
    views = [
        view_of(codec, record_of(topics.DEADLETTER, dead)),
        view_of(codec, record_of(topics.COMPLETIONS, inference.completion)),
        view_of(codec, record_of(topics.REQUESTS, inference.request)),
    ]
    hops = hops_in_time_order(views)
    assert [h.view.topic for h in hops] == [
        topics.REQUESTS.name,
        topics.COMPLETIONS.name,
        topics.DEADLETTER.name,
    ]
    assert "dead letter (guardrails)" in render_trace("req-1", hops, None)[4]


@pytest.mark.parametrize(
    ("hits", "described"),
    [
        ([], "missing"),
        (
            [
                {
                    "_index": "i-1",
                    "_source": {"status": "complete", "missing": [], "chain": {"partition": 1, "seq": 3}},
                }
            ],
            "complete (chain partition 1, seq 3) in i-1",
        ),
        (
            [{"_index": "i-1", "_source": {"status": "incomplete", "missing": ["response"], "chain": None}}],
            "incomplete (never saw: response) in i-1",
        ),
        ([{"_index": "i-1", "_source": {}}, {"_index": "i-2", "_source": {}}], "duplicated in i-1, i-2"),
    ],
)
def test_audit_state_from_hits(hits: list[dict[str, object]], described: str) -> None:
    assert state_from_hits(hits).describe() == described


async def test_audit_state_of_an_unreachable_server_is_unavailable() -> None:
    from llmops.ops.audit_state import audit_state

    state = await audit_state("http://127.0.0.1:9", "llmops-audit", "r-1")
    assert state.status == "unavailable" and "127.0.0.1:9" in (state.detail or "")
