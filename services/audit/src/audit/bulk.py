"""Batch audit records into Elasticsearch ``_bulk`` requests; each caller awaits its own ack.

``submit`` returns only once Elasticsearch acknowledged that document, which is when
the event it came from may be acknowledged (and its offset later committed). A batch is
sent when it holds ``max_docs`` documents or its oldest document waited
``flush_interval_s``. Documents answered 429 or 5xx (or whole requests that failed) are
retried with backoff, forever: an outage delays the audit trail, it never loses a record.
A document Elasticsearch rejects (4xx) fails its caller with :class:`InvalidMessage`.
The age of the oldest document not yet acknowledged is exported as the audit trail's lag.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import orjson
from elasticsearch import ApiError, AsyncElasticsearch, TransportError

from audit.metric_defs import AuditMetrics
from llmops.backoff import Backoff
from llmops.errors import InvalidMessage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Document:
    """One document to index: where, under which id, with which version (see ``submit``)."""

    index: str
    doc_id: str
    source: bytes
    version: int | None = None


@dataclass
class PendingDocument:
    """One document waiting for its bulk acknowledgement."""

    action: bytes
    source: bytes
    done: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class BulkIndexer:
    """Send documents in bounded batches; resolve each document's future on acknowledgement.

    Args:
        client: Elasticsearch client.
        metrics: The audit metrics.
        max_docs: Largest batch.
        flush_interval_s: Longest wait of a document before its batch is sent.
        concurrent_requests: Bulk requests in flight at once.
        backoff: Delays between retries.
        clock: Monotonic seconds, for the age of unacknowledged documents.
    """

    def __init__(
        self,
        client: AsyncElasticsearch,
        metrics: AuditMetrics,
        max_docs: int = 1000,
        flush_interval_s: float = 0.2,
        concurrent_requests: int = 2,
        backoff: Backoff | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.metrics = metrics
        self.max_docs = max_docs
        self.flush_interval_s = flush_interval_s
        self.backoff = backoff or Backoff(initial_s=0.2, maximum_s=10.0)
        self._pending: list[PendingDocument] = []
        self._full = asyncio.Event()
        self._slots = asyncio.Semaphore(concurrent_requests)
        self._tasks: set[asyncio.Task[None]] = set()
        self._clock = clock
        self._unindexed: dict[int, float] = {}  # id(submitted batch) -> submitted at, in order
        metrics.oldest_unindexed.set_function(self.oldest_unindexed_age_s)

    async def submit(self, index: str, doc_id: str, source: bytes, version: int | None = None) -> None:
        """Queue one document and return once Elasticsearch acknowledged it.

        Args:
            index: Target index.
            doc_id: Document id (a replay overwrites, never duplicates).
            source: The document, JSON.
            version: An external version (``external_gte``): a write carrying an older
                version than the stored document's is refused (409) and counts as
                acknowledged, since a newer version of the document is already stored.

        Raises:
            InvalidMessage: When Elasticsearch rejected the document itself (4xx).
        """
        (rejection,) = await self.submit_many([Document(index, doc_id, source, version)])
        if rejection is not None:
            raise rejection

    async def submit_many(self, documents: Sequence[Document]) -> list[InvalidMessage | None]:
        """Queue ``documents`` and return once Elasticsearch decided on each of them.

        One call per batch of records instead of one awaiting coroutine per record: the
        records of one consumer hand-over are waited for together.

        Returns:
            Per document, in order: None when acknowledged, the rejection when
            Elasticsearch refused the document itself (4xx; see :meth:`submit`).
        """
        pending = [PendingDocument(_action(doc), doc.source) for doc in documents]
        self._pending.extend(pending)
        if len(self._pending) >= self.max_docs:
            self._full.set()
        key = id(pending)
        self._unindexed[key] = self._clock()
        try:
            outcomes = await asyncio.gather(*(doc.done for doc in pending), return_exceptions=True)
        finally:
            del self._unindexed[key]
        for outcome in outcomes:
            if isinstance(outcome, BaseException) and not isinstance(outcome, InvalidMessage):
                raise outcome
        return [outcome if isinstance(outcome, InvalidMessage) else None for outcome in outcomes]

    def oldest_unindexed_age_s(self) -> float:
        """Seconds the oldest document not yet acknowledged has waited; 0 when none waits."""
        oldest = next(iter(self._unindexed.values()), None)
        return 0.0 if oldest is None else max(self._clock() - oldest, 0.0)

    async def run(self) -> None:
        """Form and send batches until cancelled (a background task of the service)."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._full.wait(), timeout=self.flush_interval_s)
            while self._pending:
                await self._slots.acquire()
                batch, self._pending = self._pending[: self.max_docs], self._pending[self.max_docs :]
                task = asyncio.create_task(self._send(batch))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            self._full.clear()

    async def _send(self, batch: list[PendingDocument]) -> None:
        try:
            attempt = 0
            while batch:
                batch = await self._attempt(batch)
                if batch:
                    delay = self.backoff.delay(attempt)
                    log.warning(
                        "bulk write incomplete, retrying",
                        extra={"documents": len(batch), "retry_in_s": delay},
                    )
                    self.metrics.bulk_retries.inc()
                    attempt += 1
                    await asyncio.sleep(delay)
        finally:
            self._slots.release()

    async def _attempt(self, batch: list[PendingDocument]) -> list[PendingDocument]:
        """Send ``batch`` once; resolve what was decided, return what must be retried."""
        lines = [line for doc in batch for line in (doc.action, doc.source)]
        try:
            with self.metrics.bulk_seconds.time():
                response = await self.client.bulk(operations=cast(Any, lines))
        except TransportError as exc:
            log.warning("elasticsearch unavailable", extra={"error": str(exc)})
            return batch
        except ApiError as exc:
            if exc.meta.status == 429 or exc.meta.status >= 500:
                return batch
            for doc in batch:
                _reject(doc, f"elasticsearch refused the bulk request: {exc.meta.status}")
            return []
        retry = []
        for doc, item in zip(batch, response["items"], strict=True):
            status = int(item["index"]["status"])
            if status == 409:
                log.warning("a newer version of the document is stored", extra={"id": item["index"]["_id"]})
            if status < 300 or status == 409:
                self.metrics.indexed.inc()
                if not doc.done.done():
                    doc.done.set_result(None)
            elif status == 429 or status >= 500:
                retry.append(doc)
            else:
                self.metrics.rejected.inc()
                reason = str(item["index"].get("error", {}).get("reason", status))
                _reject(doc, f"elasticsearch rejected the record: {reason}")
        return retry


def _action(doc: Document) -> bytes:
    meta: dict[str, object] = {"_index": doc.index, "_id": doc.doc_id}
    if doc.version is not None:
        meta |= {"version": doc.version, "version_type": "external_gte"}
    return orjson.dumps({"index": meta})


def _reject(doc: PendingDocument, reason: str) -> None:
    if not doc.done.done():
        doc.done.set_exception(InvalidMessage(reason))
