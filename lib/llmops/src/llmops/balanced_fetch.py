"""Hand out fetched records fairly across partitions, so no topic of a join starves the others.

faust takes each poll's records from aiokafka's fetcher with ``max_poll_records`` as one
budget (``Fetcher.fetched_records``). The fetcher drains its buffered partitions in the
order their data arrived and stops when the budget is spent, and one fetch buffers up to
``max_partition_fetch_bytes`` per partition. So in a catch-up, a poll is the whole buffered
backlog of the first partitions and nothing of the others: the audit worker read a
backlog's requests and responses for seconds before its first completion, and those joins
stayed open long enough to write their open states to the changelog (1.5 writes per
inference instead of 1.0 in a 6,000-inference catch-up). faust's own round-robin
(``scheduler.iterate``) only orders what one poll returned.

:func:`balanced_records` spends the budget evenly instead: each buffered partition gives at
most its share (``max_records`` divided by the number of buffered partitions), and what it
does not give stays buffered, in place, for the next poll. Partitions of co-partitioned
topics then advance together, by events rather than by bytes. The fetcher, its fetch
requests and offsets are unchanged: only which buffered records a poll returns differs.

Errors keep aiokafka's rule: a partition's fetch error is raised by a poll that has
returned nothing yet, and otherwise left in place for the next poll, so records already
taken (whose positions moved) are always returned.

What it relies on (aiokafka 0.14.0, faust-streaming 0.15.3, both pinned in ``uv.lock``):
the fetcher's ``_records`` mapping (partition -> ``FetchResult`` or an error) and its
``fetched_records(partitions, timeout, max_records)``, which faust calls the same way; and
the body of faust's ``AIOKafkaConsumerThread._fetch_records``, which
:class:`BalancedConsumerThread` overrides. :data:`FETCH_RECORDS_SHA256` pins that body:
another faust keeps its own (checked by :func:`supported`, with a test).
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Collection
from typing import Any

from aiokafka.consumer.fetcher import FetchResult
from aiokafka.errors import ConsumerStoppedError
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread

FETCH_RECORDS_SHA256 = "39a2c6c79fc1455a199629912b533458a720c64983bc957420a42feef6593baa"

RecordMap = dict[Any, list[Any]]


def fetch_records_digest() -> str:
    """sha256 of the source of faust's ``AIOKafkaConsumerThread._fetch_records``."""
    return hashlib.sha256(inspect.getsource(AIOKafkaConsumerThread._fetch_records).encode()).hexdigest()


def supported() -> bool:
    """Whether the installed faust fetches records the way :class:`BalancedConsumerThread` expects."""
    return fetch_records_digest() == FETCH_RECORDS_SHA256


async def balanced_records(
    fetcher: Any, partitions: Collection[Any] | None, wait_s: float, max_records: int | None
) -> RecordMap:
    """Up to ``max_records`` buffered records, each buffered partition giving at most an even share.

    Args:
        fetcher: aiokafka's ``Fetcher`` of the consumer.
        partitions: The partitions to read (faust's active ones); empty or None: all.
        wait_s: Seconds to wait for records when none is buffered.
        max_records: The poll's budget; None: everything buffered (nothing to balance).

    Returns:
        Records by partition, as ``Fetcher.fetched_records`` returns them.
    """
    if max_records is None:
        everything: RecordMap = await fetcher.fetched_records(partitions, timeout=wait_s)
        return everything
    buffered = [tp for tp in fetcher._records if not partitions or tp in partitions]
    if not buffered:  # wait for the next fetch; the poll after shares what it brought
        waited: RecordMap = await fetcher.fetched_records(partitions, timeout=wait_s, max_records=1)
        return waited
    share = max(1, max_records // len(buffered))
    drained: RecordMap = {}
    for tp in buffered:
        if drained and fetcher._subscriptions.reassignment_in_progress:
            break  # what was taken is returned; faust drops the records of revoked partitions
        if drained and type(fetcher._records.get(tp)) is not FetchResult:
            continue  # an error (or nothing) left for the next poll: what was taken is returned first
        drained.update(await fetcher.fetched_records((tp,), timeout=0, max_records=share))
    return drained


class BalancedConsumerThread(AIOKafkaConsumerThread):
    """faust's aiokafka consumer thread, taking each poll's records through :func:`balanced_records`."""

    async def _fetch_records(
        self,
        consumer: Any,
        active_partitions: set[Any],
        timeout: float | None = None,  # noqa: ASYNC109 (faust's signature)
        max_records: int | None = None,
    ) -> RecordMap:
        """The ``_fetch_records`` of faust 0.15.3 with the balanced draw in place of ``fetched_records``."""
        if not self.consumer.flow_active:
            return {}
        fetcher = consumer._fetcher
        if consumer._closed or fetcher._closed:
            raise ConsumerStoppedError()
        with fetcher._subscriptions.fetch_context():
            return await balanced_records(fetcher, active_partitions, timeout or 0, max_records)
