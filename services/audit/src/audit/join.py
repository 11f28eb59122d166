"""Join request, completion and response by request id; seal and deliver one record each.

Life of one inference in the join table::

    open (facts of the stages seen) --all three seen or timeout--> sealed (the chained
    record) --Elasticsearch acknowledged--> done (a small marker, forgotten later)

Sealing takes the partition's next chain position and stores the sealed record; the
record is sent to Elasticsearch only after that state is durable in the changelog, so a
restart redelivers the very same record (same id, same chain position) instead of
sealing it twice. The done marker makes late or replayed events harmless.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

from audit.bulk import BulkIndexer
from audit.chain import head_of, seal
from audit.facts import Facts
from audit.indices import AuditIndices
from audit.join_store import JoinState, JoinStore
from audit.metric_defs import AuditMetrics
from audit.record import STAGES, build_record
from llmops.errors import InvalidMessage

log = logging.getLogger(__name__)

Clock = Callable[[], int]


class Joiner:
    """Join the stages of each inference and deliver its record.

    Args:
        store: The join table.
        indices: Index naming.
        bulk: The Elasticsearch batcher.
        metrics: Audit metrics.
        clock: Epoch milliseconds now.
        timeout_ms: How long an open join waits before an ``incomplete`` record is written.
        done_retention_ms: How long a done marker is kept to absorb late or replayed events.
        audit_version: Recorded in each record's ``service_versions``.
    """

    def __init__(
        self,
        store: JoinStore,
        indices: AuditIndices,
        bulk: BulkIndexer,
        metrics: AuditMetrics,
        clock: Clock,
        timeout_ms: int,
        done_retention_ms: int,
        audit_version: str,
    ) -> None:
        self.store, self.indices, self.bulk, self.metrics = store, indices, bulk, metrics
        self.clock = clock
        self.timeout_ms = timeout_ms
        self.done_retention_ms = done_retention_ms
        self.audit_version = audit_version
        self.in_flight: dict[str, asyncio.Task[None]] = {}

    def observe(self, request_id: str, partition: int, facts: dict[str, Facts]) -> Awaitable[None] | None:
        """Add the facts of one event; return its record's delivery when this event completed the join.

        Must be called from the event loop without awaiting in between reads and writes of
        the state (it does not await), so the chain head is never read twice.
        """
        state = self.store.get(request_id)
        if state is None:
            state = {"partition": partition, "first_seen": self.clock(), "stages": {}}
        elif "stages" not in state:
            self.metrics.late_events.labels(",".join(facts)).inc()
            return None  # already sealed: a replay or a late event
        stages = {**state["stages"], **facts}
        state = {**state, "stages": stages}
        if all(stage in stages for stage in STAGES):
            return self._seal_and_deliver(request_id, state)
        self.store.put(partition, request_id, state)
        return None

    def sweep(self, active_partitions: set[int]) -> int:
        """Seal expired joins as ``incomplete``, redeliver sealed records, forget old markers.

        Returns:
            The number of open joins left.
        """
        now, open_joins = self.clock(), 0
        for request_id, state in self.store.states():
            partition = state["partition"]
            if partition not in active_partitions:
                continue
            if "done_at" in state:
                if now - state["done_at"] > self.done_retention_ms:
                    self.store.delete(partition, request_id)
            elif "sealed" in state:
                if request_id not in self.in_flight:
                    self._deliver_in_background(request_id, partition, state["sealed"], [])
            elif now - state["first_seen"] > self.timeout_ms:
                self._seal_and_deliver(request_id, state)
            else:
                open_joins += 1
        self.metrics.open_joins.set(open_joins)
        return open_joins

    def _seal_and_deliver(self, request_id: str, state: JoinState) -> asyncio.Task[None]:
        partition = state["partition"]
        record = build_record(state["stages"], self.audit_version)
        sealed = seal(record, partition, self.store.chain_head(partition), self.clock())
        writes = [
            self.store.put(partition, request_id, {"partition": partition, "sealed": sealed}),
            self.store.put_chain_head(partition, head_of(sealed)),
        ]
        self.metrics.records.labels(sealed["status"]).inc()
        return self._deliver_in_background(request_id, partition, sealed, writes)

    def _deliver_in_background(
        self,
        request_id: str,
        partition: int,
        sealed: dict[str, Any],
        writes: list[asyncio.Future[Any]],
    ) -> asyncio.Task[None]:
        task = asyncio.create_task(self._deliver(request_id, partition, sealed, writes))
        self.in_flight[request_id] = task
        task.add_done_callback(lambda _: self.in_flight.pop(request_id, None))
        return task

    async def _deliver(
        self, request_id: str, partition: int, sealed: dict[str, Any], writes: list[asyncio.Future[Any]]
    ) -> None:
        """Index ``sealed`` once its sealing is durable, then mark the join done."""
        await asyncio.gather(*writes)
        index = self.indices.index_for(sealed["@timestamp"])
        try:
            await self.bulk.submit(index, request_id, orjson.dumps(sealed))
        except InvalidMessage:
            log.error("audit record rejected by elasticsearch", extra={"request_id": request_id})
            self.store.put(
                partition, request_id, {"partition": partition, "done_at": self.clock(), "rejected": True}
            )
            raise
        self.store.put(partition, request_id, {"partition": partition, "done_at": self.clock()})
