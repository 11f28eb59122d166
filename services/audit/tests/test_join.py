"""The join's state machine, on an in-memory store: seal once, late events ignored, timeouts, redelivery."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from audit.chain import ChainHead, record_hash
from audit.facts import completion_facts, request_facts, response_facts
from audit.indices import AuditIndices
from audit.join import Joiner
from audit.metric_defs import audit_metrics
from audit.sample_events import sample_inference

T0 = 1_763_337_600_000


class MemoryStore:
    """JoinStore's interface over dicts; changelog writes resolve at once."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.heads: dict[int, ChainHead] = {}

    def _done(self) -> asyncio.Future[Any]:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        future.set_result(None)
        return future

    def get(self, request_id: str) -> Any:
        return self.data.get(request_id)

    def put(self, partition: int, request_id: str, state: Any) -> asyncio.Future[Any]:
        self.data[request_id] = state
        return self._done()

    def delete(self, partition: int, request_id: str) -> None:
        self.data.pop(request_id, None)

    def chain_head(self, partition: int) -> ChainHead:
        return self.heads.get(partition, ChainHead())

    def put_chain_head(self, partition: int, head: ChainHead) -> asyncio.Future[Any]:
        self.heads[partition] = head
        return self._done()

    def states(self) -> Any:
        return list(self.data.items())


class RecordingBulk:
    """Stands in for BulkIndexer: acknowledges at once, keeps what was indexed."""

    def __init__(self) -> None:
        self.indexed: list[tuple[str, str, bytes]] = []

    async def submit(self, index: str, doc_id: str, source: bytes) -> None:
        self.indexed.append((index, doc_id, source))


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def parts() -> tuple[Joiner, MemoryStore, RecordingBulk, Clock]:
    store, bulk, clock = MemoryStore(), RecordingBulk(), Clock()
    joiner = Joiner(
        store,  # type: ignore[arg-type]
        AuditIndices(),
        bulk,  # type: ignore[arg-type]
        audit_metrics(CollectorRegistry()),
        clock,
        timeout_ms=10_000,
        done_retention_ms=60_000,
        audit_version="t",
    )
    return joiner, store, bulk, clock


def _facts(request_id: str) -> dict[str, dict[str, Any]]:
    inference = sample_inference(request_id, T0)
    return {
        "request": {"request": request_facts(inference.request, b"k")},
        "completion": {"completion": completion_facts(inference.completion)},
        "response": {"response": response_facts(inference.response)},
    }


@pytest.mark.parametrize(
    "order", [("request", "completion", "response"), ("response", "request", "completion")]
)
async def test_the_last_stage_seals_one_chained_record(
    parts: tuple[Joiner, MemoryStore, RecordingBulk, Clock], order: tuple[str, ...]
) -> None:
    joiner, store, bulk, _ = parts
    facts = _facts("r1")

    deliveries = [joiner.observe("r1", 2, facts[stage]) for stage in order]

    assert deliveries[:2] == [None, None]
    assert deliveries[2] is not None
    await deliveries[2]
    ((index, doc_id, _),) = bulk.indexed
    assert (index, doc_id) == ("llmops-audit-2025.11.17", "r1")
    assert store.data["r1"]["done_at"] == T0 and "sealed" not in store.data["r1"]
    assert store.heads[2].seq == 1


async def test_replayed_and_late_events_after_the_record_are_ignored(
    parts: tuple[Joiner, MemoryStore, RecordingBulk, Clock],
) -> None:
    joiner, _, bulk, _ = parts
    facts = _facts("r1")
    for stage in ("request", "completion"):
        joiner.observe("r1", 0, facts[stage])
    delivery = joiner.observe("r1", 0, facts["response"])
    assert delivery is not None
    await delivery

    assert joiner.observe("r1", 0, facts["response"]) is None
    assert joiner.observe("r1", 0, facts["request"]) is None
    assert len(bulk.indexed) == 1


async def test_sweep_seals_expired_joins_as_incomplete_and_forgets_old_markers(
    parts: tuple[Joiner, MemoryStore, RecordingBulk, Clock],
) -> None:
    joiner, store, bulk, clock = parts
    joiner.observe("r1", 1, _facts("r1")["request"])
    joiner.observe("r2", 4, _facts("r2")["request"])

    assert joiner.sweep({1, 4}) == 2
    clock.now += 10_001
    assert joiner.sweep({1}) == 0  # r2's partition is not ours: left alone
    await asyncio.gather(*joiner.in_flight.values())

    assert [doc_id for _, doc_id, _ in bulk.indexed] == ["r1"]
    assert b'"status":"incomplete"' in bulk.indexed[0][2]
    clock.now += 60_001
    joiner.sweep({1})
    assert "r1" not in store.data and "r2" in store.data


async def test_sealed_records_are_redelivered_unchanged_after_a_restart(
    parts: tuple[Joiner, MemoryStore, RecordingBulk, Clock],
) -> None:
    joiner, store, bulk, _ = parts
    facts = _facts("r1")
    for stage in ("request", "completion"):
        joiner.observe("r1", 3, facts[stage])
    delivery = joiner.observe("r1", 3, facts["response"])
    sealed = store.data["r1"]["sealed"]
    assert delivery is not None
    await delivery
    store.data["r1"] = {"partition": 3, "sealed": sealed}  # the done marker was lost in the crash
    joiner.in_flight.clear()

    joiner.sweep({3})
    await asyncio.gather(*joiner.in_flight.values())

    assert bulk.indexed[0][2] == bulk.indexed[1][2]
    assert record_hash(sealed) == sealed["chain"]["hash"]
    assert store.heads[3].seq == 1, "redelivery does not take a new chain position"
