"""The join's state machine over a changelog kept in memory: seal once, late events ignored, timeouts,
lazily written chain heads, and restarts from any prefix of the changelog (a crash) without forks."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Sequence
from typing import Any

import orjson
import pytest
from prometheus_client import CollectorRegistry

from audit.bulk import Document
from audit.chain import record_hash
from audit.changelog import ChangelogWriter
from audit.facts import completion_facts, request_facts, response_facts
from audit.indices import AuditIndices
from audit.join import Joiner
from audit.join_store import HEAD_PREFIX, JoinStore
from audit.metric_defs import audit_metrics
from audit.record import EMBEDDED_REQUEST
from audit.sample_events import sample_inference
from llmops.errors import InvalidMessage

T0 = 1_763_337_600_000


class ChangelogTable:
    """The part of a faust table JoinStore uses (``data``), and the producer of its changelog: writes
    resolve at once and are applied as faust's recovery would apply them."""

    def __init__(self, changelog: list[tuple[int, str, Any]] | None = None) -> None:
        self.changelog: list[tuple[int, str, Any]] = []
        self.data: dict[str, Any] = {}
        for partition, key, value in changelog or []:
            self.apply(partition, key, value)

    def apply(self, partition: int, key: str, value: Any) -> asyncio.Future[Any]:
        """Apply one write as faust's recovery would, and keep it."""
        self.changelog.append((partition, key, value))
        if value is None:
            self.data.pop(key, None)
        else:
            self.data[key] = value
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        future.set_result(None)
        return future

    async def send(
        self, topic: str, key: bytes | None, value: bytes | None, partition: int | None, *_: Any
    ) -> asyncio.Future[Any]:
        """The producer side: one write as :class:`ChangelogWriter` sends it (JSON bytes)."""
        assert key is not None and partition is not None
        return self.apply(partition, orjson.loads(key), None if value is None else orjson.loads(value))

    def restarted(self, writes: int | None = None) -> ChangelogTable:
        """The table a restarted worker recovers: the first ``writes`` changelog writes (all by default)."""
        return ChangelogTable(self.changelog[:writes])


class RecordingBulk:
    """Stands in for BulkIndexer: acknowledges at once, keeps what was indexed."""

    max_docs = 1000

    def __init__(self) -> None:
        self.indexed: list[tuple[str, str, bytes]] = []
        self.submissions = 0
        self.refused: set[str] = set()  # ids Elasticsearch rejects (4xx)

    async def submit_many(self, documents: Sequence[Document]) -> list[InvalidMessage | None]:
        self.submissions += 1
        accepted = [doc for doc in documents if doc.doc_id not in self.refused]
        self.indexed += [(doc.index, doc.doc_id, doc.source) for doc in accepted]
        return [InvalidMessage("refused") if doc.doc_id in self.refused else None for doc in documents]

    def chain(self) -> dict[str, tuple[int, int, str]]:
        """The last indexed version of each document: (partition, seq, hash), as Elasticsearch holds it."""
        docs = {doc_id: orjson.loads(source)["chain"] for _, doc_id, source in self.indexed}
        return {doc_id: (c["partition"], c["seq"], c["hash"]) for doc_id, c in docs.items()}


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> int:
        return self.now


Parts = tuple[Joiner, JoinStore, RecordingBulk, Clock]


def _joiner(table: ChangelogTable, bulk: RecordingBulk, clock: Clock) -> tuple[Joiner, JoinStore]:
    store = JoinStore(table, ChangelogWriter(table, "llmops-audit-joins-changelog"))  # type: ignore[arg-type]
    joiner = Joiner(
        store,
        AuditIndices(),
        bulk,  # type: ignore[arg-type]
        audit_metrics(CollectorRegistry()),
        clock,
        timeout_ms=10_000,
        done_retention_ms=60_000,
        audit_version="t",
    )
    return joiner, store


@pytest.fixture
def parts() -> Parts:
    bulk, clock = RecordingBulk(), Clock()
    joiner, store = _joiner(ChangelogTable(), bulk, clock)
    return joiner, store, bulk, clock


def _facts(request_id: str) -> dict[str, dict[str, Any]]:
    inference = sample_inference(request_id, T0)
    return {
        "request": {"request": request_facts(inference.request, b"k")},
        "completion": {"completion": completion_facts(inference.completion)},
        "response": {"response": response_facts(inference.response)},
    }


def _complete(joiner: Joiner, request_id: str, partition: int) -> Any:
    facts = _facts(request_id)
    for stage in ("request", "completion"):
        assert joiner.observe(request_id, partition, facts[stage]) is None
    return joiner.observe(request_id, partition, facts["response"])


def _assert_gap_free(bulk: RecordingBulk, partition: int, records: int) -> None:
    """What Elasticsearch holds (the last version of each document) is one unbroken chain."""
    stored = {doc_id: orjson.loads(source) for _, doc_id, source in bulk.indexed}
    chain = sorted((r["chain"] for r in stored.values() if r["chain"]["partition"] == partition), key=_seq)
    assert [c["seq"] for c in chain] == list(range(1, records + 1)), "one record per chain position"
    assert all(r["chain"]["hash"] == record_hash(r) for r in stored.values())
    for previous, current in itertools.pairwise(chain):
        assert current["prev_hash"] == previous["hash"], f"seq {current['seq']} links to its predecessor"


def _seq(chain: dict[str, Any]) -> int:
    return int(chain["seq"])


@pytest.mark.parametrize(
    "order", [("request", "completion", "response"), ("response", "request", "completion")]
)
async def test_the_last_stage_seals_one_chained_record(parts: Parts, order: tuple[str, ...]) -> None:
    joiner, store, bulk, _ = parts
    facts = _facts("r1")

    deliveries = [joiner.observe("r1", 2, facts[stage]) for stage in order]

    assert deliveries[:2] == [None, None]
    assert deliveries[2] is not None
    await deliveries[2]
    ((index, doc_id, _),) = bulk.indexed
    assert (index, doc_id) == ("llmops-audit-2025.11.17", "r1")
    assert store.get("r1") == {"partition": 2, "seq": 1, "sealed_at": T0}
    assert store.chain_head(2).seq == 1


async def test_records_sealed_together_are_delivered_in_one_submission_with_one_head_write(
    parts: Parts,
) -> None:
    joiner, store, bulk, _ = parts
    deliveries = [_complete(joiner, f"r{i}", 1) for i in range(20)]
    await asyncio.gather(*deliveries)
    await asyncio.sleep(0)  # the head is saved once the deliveries that ended together are done

    assert bulk.submissions == 1, "one bulk submission for the records sealed together"

    writes = store.table.changelog  # type: ignore[attr-defined]
    assert [key for _, key, _ in writes].count(f"{HEAD_PREFIX}1") == 1
    assert len(writes) == 20 + 1, "the sealed record per inference, one head"
    assert writes[-1][2] == {"seq": 20, "hash": store.chain_head(1).hash, "delivered": 20}
    _assert_gap_free(bulk, 1, 20)


async def test_a_record_rejected_within_a_batch_fails_alone_and_the_watermark_passes_it(
    parts: Parts,
) -> None:
    joiner, store, bulk, _ = parts
    bulk.refused = {"r1"}
    deliveries = [_complete(joiner, f"r{i}", 3) for i in range(3)]

    outcomes = await asyncio.gather(*deliveries, return_exceptions=True)
    await asyncio.sleep(0)

    assert [type(outcome).__name__ for outcome in outcomes] == ["NoneType", "InvalidMessage", "NoneType"]
    assert store.get("r1") == {"partition": 3, "seq": 2, "sealed_at": T0, "rejected": True}
    assert store.delivered_through(3) == 3, "a rejected record is decided: it does not hold the watermark"
    assert not joiner.in_flight


async def test_open_states_are_written_when_flushed_unless_sealed_before(parts: Parts) -> None:
    joiner, store, _, _ = parts
    for request_id in ("open", "sealed"):
        joiner.observe(request_id, 2, _facts(request_id)["request"])
        joiner.observe(request_id, 2, _facts(request_id)["completion"])
    await joiner.observe("sealed", 2, _facts("sealed")["response"])  # type: ignore[misc]

    await store.write_staged()

    writes = [(key, value) for _, key, value in store.table.changelog]  # type: ignore[attr-defined]
    assert [key for key, value in writes if "stages" in value] == ["open"]
    assert set(writes[-1][1]["stages"]) == {"request", "completion"}
    await store.write_staged()
    assert len(store.table.changelog) == len(writes), "written once"  # type: ignore[attr-defined]


async def test_replayed_and_late_events_after_the_record_are_ignored(parts: Parts) -> None:
    joiner, _, bulk, _ = parts
    delivery = _complete(joiner, "r1", 0)
    assert delivery is not None
    await delivery

    facts = _facts("r1")
    assert joiner.observe("r1", 0, facts["response"]) is None
    assert joiner.observe("r1", 0, facts["request"]) is None
    assert len(bulk.indexed) == 1


async def test_sweep_seals_expired_joins_as_incomplete_and_forgets_old_markers(parts: Parts) -> None:
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
    assert store.get("r1") is None and store.get("r2") is not None


@pytest.mark.parametrize("crash_after", [0.3, 0.6, 0.95, 1.0])
async def test_a_restart_from_any_changelog_prefix_continues_the_chain_without_forks(
    parts: Parts, crash_after: float
) -> None:
    joiner, store, bulk, clock = parts
    first = [f"a{i}" for i in range(30)]
    await asyncio.gather(*(_complete(joiner, rid, 5) for rid in first))
    await asyncio.sleep(0)
    table: ChangelogTable = store.table  # type: ignore[assignment]
    table.changelog.pop()  # the last head write is lost: heads are written lazily
    survived = int(len(table.changelog) * crash_after)

    restarted, _ = _joiner(table.restarted(survived), bulk, clock)
    restarted.recover()
    await asyncio.gather(*restarted.in_flight.values())
    durable = {rid for _, rid, value in table.changelog[:survived] if value and "sealed" in value}
    for rid in first:  # the source events of records not durably sealed are consumed again
        if rid not in durable:
            await _complete(restarted, rid, 5)
    await asyncio.gather(*(_complete(restarted, f"b{i}", 5) for i in range(10)))

    assert set(bulk.chain()) == {*first, *(f"b{i}" for i in range(10))}
    _assert_gap_free(bulk, 5, 40)


async def test_sealed_records_above_the_watermark_are_redelivered_unchanged_after_a_restart(
    parts: Parts,
) -> None:
    joiner, store, bulk, clock = parts
    await _complete(joiner, "r1", 3)
    table: ChangelogTable = store.table  # type: ignore[assignment]
    (sealed,) = [value["sealed"] for _, _, value in table.changelog if value and "sealed" in value]
    without_head = [w for w in table.changelog if not w[1].startswith(HEAD_PREFIX)]

    restarted, restarted_store = _joiner(ChangelogTable(without_head), bulk, clock)
    restarted.recover()
    await asyncio.gather(*restarted.in_flight.values())

    assert bulk.indexed[0][2] == bulk.indexed[1][2] == orjson.dumps(sealed)
    assert record_hash(sealed) == sealed["chain"]["hash"]
    assert restarted_store.chain_head(3).seq == 1, "redelivery does not take a new chain position"


async def test_sealed_records_at_or_below_the_watermark_are_done_after_a_restart(parts: Parts) -> None:
    joiner, store, bulk, clock = parts
    await _complete(joiner, "r1", 3)
    await asyncio.sleep(0)

    restarted, restarted_store = _joiner(store.table.restarted(), bulk, clock)  # type: ignore[attr-defined]
    restarted.recover()

    assert not restarted.in_flight and len(bulk.indexed) == 1
    assert restarted_store.get("r1") == {"partition": 3, "seq": 1, "sealed_at": T0}
    assert restarted.observe("r1", 3, _facts("r1")["response"]) is None


@pytest.mark.parametrize(
    ("order", "computed", "kept_after"),
    [
        # the request came first: its copy in the completion is never looked at
        (("request", "completion"), 0, []),
        # the completion came first: its copy stands in for the request until the request comes
        (("completion",), 1, [EMBEDDED_REQUEST]),
        (("completion", "request"), 1, []),
    ],
)
def test_a_completions_embedded_request_is_used_only_while_the_request_is_missing(
    parts: Parts, order: tuple[str, ...], computed: int, kept_after: list[str]
) -> None:
    joiner, store, _, _ = parts
    inference, calls = sample_inference("r1", T0), []

    def embedded() -> dict[str, Any]:
        calls.append(1)
        return request_facts(inference.completion["request"], b"k")

    facts = _facts("r1")
    for stage in order:
        joiner.observe("r1", 2, facts[stage], embedded if stage == "completion" else None)

    assert len(calls) == computed
    state = store.get("r1")
    assert state is not None
    assert [s for s in state["stages"] if s == EMBEDDED_REQUEST] == kept_after
