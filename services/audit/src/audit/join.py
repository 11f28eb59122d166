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
of a sealed or done inference are ignored. The records sealed within
``BATCH_WINDOW_S`` are delivered together: one task and one bulk submission per batch,
not per record.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from audit.bulk import BulkIndexer, Document
from audit.chain import head_of, seal
from audit.facts import Facts
from audit.indices import AuditIndices
from audit.join_store import JoinState, JoinStore
from audit.metric_defs import AuditMetrics
from audit.record import EMBEDDED_REQUEST, STAGES, build_record
from llmops.errors import InvalidMessage

log = logging.getLogger(__name__)

Clock = Callable[[], int]

# How long sealed records gather before one task delivers them together. faust hands the
# agent one event per turn of the event loop, so batching needs a window; 10 ms is small
# next to the bulk writer's own flush interval.
BATCH_WINDOW_S = 0.01


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
        self.in_flight: dict[str, asyncio.Future[None]] = {}
        self.batch: list[Sealing] = []
        self.tasks: set[asyncio.Task[None]] = set()
        self.undelivered: dict[int, set[int]] = {}
        self.unsaved: set[int] = set()

    def observe(
        self,
        request_id: str,
        partition: int,
        facts: dict[str, Facts],
        embedded_request: Callable[[], Facts] | None = None,
    ) -> asyncio.Future[None] | None:
        """Add the facts of one event; return its record's delivery when this event completed the join.

        ``embedded_request`` (a completion's) gives the facts of the request the event
        embeds: they are computed and kept only while the join has not seen the request
        itself, whose own facts are the same (the completion embeds it unchanged).

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
        if "request" in stages:
            stages.pop(EMBEDDED_REQUEST, None)
        elif embedded_request is not None:
            stages[EMBEDDED_REQUEST] = embedded_request()
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

    def _seal_and_deliver(self, request_id: str, state: JoinState) -> asyncio.Future[None]:
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
    ) -> asyncio.Future[None]:
        """Queue ``sealed`` for the next batch delivery; the returned future tells its outcome.

        The records sealed within :data:`BATCH_WINDOW_S` (or by one sweep) are delivered by
        one task with one bulk submission, instead of a task and an awaiting coroutine per
        record.
        """
        self.undelivered.setdefault(partition, set()).add(sealed["chain"]["seq"])
        outcome: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if not self.batch:
            asyncio.get_running_loop().call_later(BATCH_WINDOW_S, self._dispatch)
        self.batch.append(Sealing(request_id, partition, sealed, written, outcome))
        self.in_flight[request_id] = outcome
        if len(self.batch) >= self.bulk.max_docs:
            self._dispatch()
        return outcome

    def _dispatch(self) -> None:
        batch, self.batch = self.batch, []
        if batch:
            task = asyncio.create_task(self._deliver(batch))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def _deliver(self, batch: list[Sealing]) -> None:
        """Index the batch once its sealings are durable, then keep only small markers in memory.

        A record whose changelog write or delivery failed stays undelivered (its outcome
        carries the error): the watermark stays below it and a later sweep sends it again.
        """
        try:
            await asyncio.gather(*(s.written for s in batch if s.written is not None))
            documents = [
                Document(
                    self.indices.index_for(s.sealed["@timestamp"]),
                    s.request_id,
                    orjson.dumps(s.sealed),
                    s.sealed["chain"]["sealed_at"],
                )
                for s in batch
            ]
            rejections = await self.bulk.submit_many(documents)
        except BaseException as exc:
            for s in batch:
                self.in_flight.pop(s.request_id, None)
                _fail(s.outcome, exc)
            if isinstance(exc, asyncio.CancelledError):
                raise
            log.warning("audit records not delivered, retried later", extra={"error": str(exc)})
            return
        for s, rejection in zip(batch, rejections, strict=True):
            self._delivered(s, rejection)

    def _delivered(self, s: Sealing, rejection: InvalidMessage | None) -> None:
        """Elasticsearch decided on ``s``: forget the record, move the watermark, tell the waiter."""
        self.in_flight.pop(s.request_id, None)
        done = _done(s.partition, s.sealed)
        if rejection is not None:
            log.error("audit record rejected by elasticsearch", extra={"request_id": s.request_id})
            done["rejected"] = True
        self.store.remember(s.request_id, done)
        self.undelivered[s.partition].discard(s.sealed["chain"]["seq"])
        self._watermark_moved(s.partition)
        if rejection is None:
            s.outcome.set_result(None)
        else:
            _fail(s.outcome, rejection)

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


@dataclass(frozen=True)
class Sealing:
    """A sealed record on its way to Elasticsearch."""

    request_id: str
    partition: int
    sealed: dict[str, Any]
    written: asyncio.Future[Any] | None  # its changelog write (None: read back from the changelog)
    outcome: asyncio.Future[None]  # resolved once Elasticsearch decided


def _fail(outcome: asyncio.Future[None], error: BaseException) -> None:
    if outcome.done():
        return
    if isinstance(error, asyncio.CancelledError):
        outcome.cancel()
    else:
        outcome.set_exception(error)
        outcome.exception()  # logged here; a sweep's deliveries have no other reader


def _done(partition: int, sealed: dict[str, Any]) -> JoinState:
    """What stays of a delivered record: enough to ignore late events and to forget it later."""
    return {"partition": partition, "seq": sealed["chain"]["seq"], "sealed_at": sealed["chain"]["sealed_at"]}
