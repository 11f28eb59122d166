"""Join request, completion and response by request id; seal and deliver one record each.

Life of one inference in the join table::

    open (facts of the stages seen) --all three seen or timeout--> sealed (the chained
    record) --Elasticsearch acknowledged--> done (a small marker in memory, forgotten later)

Sealing takes the partition's next chain position and stores the sealed record; the
record is sent to Elasticsearch only after that state is durable in the changelog, so a
restart redelivers the very same record (same id, same chain position) instead of
sealing it twice. A delivered record is not written again: the partition's chain head
carries a "delivered through seq N" watermark, written once for all the records whose
deliveries end together (one bulk batch); after a restart, a sealed record at or below
the watermark is done and one above it is sent again, unchanged. Late or replayed events
of a sealed or done inference are ignored.
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
        owned: The partitions this worker owns now (None: all); chain heads of others are
            never written.
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
        owned: Callable[[], set[int] | None] = lambda: None,
    ) -> None:
        self.store, self.indices, self.bulk, self.metrics = store, indices, bulk, metrics
        self.clock = clock
        self.timeout_ms = timeout_ms
        self.done_retention_ms = done_retention_ms
        self.audit_version = audit_version
        self.owned = owned
        self.in_flight: dict[str, asyncio.Task[None]] = {}
        self.undelivered: dict[int, set[int]] = {}
        self.unsaved: set[int] = set()

    def observe(self, request_id: str, partition: int, facts: dict[str, Facts]) -> Awaitable[None] | None:
        """Add the facts of one event; return its record's delivery when this event completed the join.

        An open join's state is only staged: it reaches the changelog at the next
        :meth:`JoinStore.write_staged` (the caller acknowledges the event after that), and
        not at all when the join was sealed before.

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
        self.store.stage(partition, request_id, state)
        return None

    def recover(self) -> None:
        """After faust recovered the table: continue each chain from its true head, resend the undelivered.

        Every sealed record above its partition's watermark is registered as undelivered at
        once, before any new record is sealed, so the watermark can never pass it.
        """
        self.store.recover()
        owned = self.owned()
        for request_id, state in self.store.states():
            if "sealed" in state and (owned is None or state["partition"] in owned):
                self._sealed_after_restart(request_id, state["partition"], state["sealed"])

    def sweep(self, active_partitions: set[int]) -> int:
        """Seal expired joins as ``incomplete``, redeliver undelivered sealed records, forget old ones.

        Returns:
            The number of open joins left.
        """
        now, open_joins = self.clock(), 0
        for request_id, state in self.store.states():
            partition = state["partition"]
            if partition not in active_partitions:
                continue
            if "sealed" in state:
                self._sealed_after_restart(request_id, partition, state["sealed"])
            elif "stages" not in state:
                if now - int(state.get("done_at") or state.get("sealed_at") or 0) > self.done_retention_ms:
                    self.store.delete(partition, request_id)
            elif now - state["first_seen"] > self.timeout_ms:
                self._seal_and_deliver(request_id, state)
            else:
                open_joins += 1
        self.metrics.open_joins.set(open_joins)
        return open_joins

    def _sealed_after_restart(self, request_id: str, partition: int, sealed: dict[str, Any]) -> None:
        """A sealed record read back from the changelog: done if delivered, else sent again unchanged."""
        if request_id in self.in_flight:
            return
        seq = sealed["chain"]["seq"]
        if seq <= self.store.delivered_through(partition):
            self.store.remember(request_id, _done(partition, sealed))
        else:
            self._deliver_in_background(request_id, partition, sealed, None)

    def _seal_and_deliver(self, request_id: str, state: JoinState) -> asyncio.Task[None]:
        partition = state["partition"]
        record = build_record(state["stages"], self.audit_version)
        sealed = seal(record, partition, self.store.chain_head(partition), self.clock())
        self.store.advance(partition, head_of(sealed))
        written = self.store.put(partition, request_id, {"partition": partition, "sealed": sealed})
        self.metrics.records.labels(sealed["status"]).inc()
        return self._deliver_in_background(request_id, partition, sealed, written)

    def _deliver_in_background(
        self,
        request_id: str,
        partition: int,
        sealed: dict[str, Any],
        written: asyncio.Future[Any] | None,
    ) -> asyncio.Task[None]:
        seq = sealed["chain"]["seq"]
        self.undelivered.setdefault(partition, set()).add(seq)
        task = asyncio.create_task(self._deliver(request_id, partition, sealed, written))
        self.in_flight[request_id] = task

        def finished(done: asyncio.Task[None]) -> None:
            self.in_flight.pop(request_id, None)
            if done.cancelled() or not isinstance(done.exception(), InvalidMessage | None):
                return  # not delivered: the watermark stays below it (a later sweep retries)
            self.undelivered[partition].discard(seq)
            self._watermark_moved(partition)

        task.add_done_callback(finished)
        return task

    async def _deliver(
        self, request_id: str, partition: int, sealed: dict[str, Any], written: asyncio.Future[Any] | None
    ) -> None:
        """Index ``sealed`` once its sealing is durable, then keep only a small marker in memory."""
        if written is not None:
            await written
        index = self.indices.index_for(sealed["@timestamp"])
        try:
            await self.bulk.submit(index, request_id, orjson.dumps(sealed), sealed["chain"]["sealed_at"])
        except InvalidMessage:
            log.error("audit record rejected by elasticsearch", extra={"request_id": request_id})
            self.store.remember(request_id, {**_done(partition, sealed), "rejected": True})
            raise
        self.store.remember(request_id, _done(partition, sealed))

    def _watermark_moved(self, partition: int) -> None:
        """Save the partition's head and watermark, once for all deliveries that end together."""
        if not self.unsaved:
            asyncio.get_running_loop().call_soon(self._save_heads)
        self.unsaved.add(partition)

    def _save_heads(self) -> None:
        owned = self.owned()
        for partition in self.unsaved:
            if owned is not None and partition not in owned:
                continue  # a partition taken away: its new owner continues from the changelog
            pending = self.undelivered.get(partition)
            head = self.store.chain_head(partition).seq
            self.store.save_head(partition, min(pending) - 1 if pending else head)
        self.unsaved.clear()


def _done(partition: int, sealed: dict[str, Any]) -> JoinState:
    """What stays of a delivered record: enough to ignore late events and to forget it later."""
    return {"partition": partition, "seq": sealed["chain"]["seq"], "sealed_at": sealed["chain"]["sealed_at"]}
