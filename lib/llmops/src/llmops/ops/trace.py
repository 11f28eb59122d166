"""``llmops trace``: every hop of one request across the topics, with latencies.

Why only one partition per topic: every platform topic on the request path is keyed by
request id and produced with Kafka's default (murmur2) partitioner, so the events of one
request sit in exactly one partition of each topic, computable from the key. Scanning
that partition alone, from ``--since`` on, reads 1/N of the data a full scan would, and
``--since`` (default 24h) bounds it in time; the key is compared before anything is
decoded. Two exceptions are read in full or followed: responses go to the partition
named in the request's ``reply_to`` (the gateway replica's own partition), and the
dead-letter topic is read on all its partitions (a dead letter may have no key, and
the topic is small).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aiokafka import TopicPartition
from aiokafka.partitioner import DefaultPartitioner

from llmops import topics
from llmops.codec import AvroCodec
from llmops.ops.event_view import EventView, view_of
from llmops.ops.reader import StartAt, TopicReader, UnknownTopic

KEYED_TOPICS = (topics.REQUESTS, topics.COMPLETIONS, topics.RESPONSES)
REWRITE_SUFFIX = ":rewrite"


def key_partition(key: bytes, partition_count: int) -> int:
    """The partition Kafka's default partitioner (murmur2, as the Java client) picks for ``key``."""
    ids = list(range(partition_count))
    return int(DefaultPartitioner()(key, ids, ids))


@dataclass(frozen=True)
class Hop:
    """One event of the request, with the time since the previous hop."""

    view: EventView
    since_previous_ms: int | None


def request_keys(request_id: str) -> set[bytes]:
    """The keys the request's events carry: its id, and its guardrails rewrite request's id."""
    return {request_id.encode(), (request_id + REWRITE_SUFFIX).encode()}


async def find_hops(reader: TopicReader, codec: AvroCodec, request_id: str, since_ms: int) -> list[Hop]:
    """Every event of ``request_id`` since ``since_ms``, in time order.

    Raises:
        UnknownTopic: When a platform topic is missing from the cluster.
    """
    keys = request_keys(request_id)
    scan: set[TopicPartition] = set()
    for spec in KEYED_TOPICS:
        count = len(await reader.partitions(spec.name))
        scan |= {TopicPartition(spec.name, key_partition(key, count)) for key in keys}
    scan |= set(await reader.partitions(topics.DEADLETTER.name))
    found = await _matching(reader, codec, scan, keys, since_ms)
    extra = {tp for tp in _reply_partitions(found) - scan if await _exists(reader, tp)}
    if extra:
        found += await _matching(reader, codec, extra, keys, since_ms)
    return hops_in_time_order(found)


def hops_in_time_order(views: Iterable[EventView]) -> list[Hop]:
    """Sort by timestamp (then topic order) and compute the time between consecutive hops."""
    order = {spec.name: i for i, spec in enumerate(topics.ALL_TOPICS)}
    ordered = sorted(views, key=lambda v: (v.timestamp_ms, order.get(v.topic, 99), v.offset))
    hops, previous = [], None
    for view in ordered:
        hops.append(Hop(view, None if previous is None else view.timestamp_ms - previous))
        previous = view.timestamp_ms
    return hops


async def _matching(
    reader: TopicReader, codec: AvroCodec, scan: set[TopicPartition], keys: set[bytes], since_ms: int
) -> list[EventView]:
    found = []
    async for record in reader.read(sorted(scan), StartAt("since", since_ms)):
        if record.key is not None and bytes(record.key) in keys:
            found.append(view_of(codec, record))
    return found


async def _exists(reader: TopicReader, tp: TopicPartition) -> bool:
    try:
        return tp in await reader.partitions(tp.topic)
    except UnknownTopic:
        return False


def _reply_partitions(views: list[EventView]) -> set[TopicPartition]:
    """Where the responses to the requests found were sent (``reply_to``), when it names a partition."""
    wanted = set()
    for view in views:
        reply_to = (view.event or {}).get("reply_to") if view.schema == topics.REQUESTS.schema else None
        if reply_to and reply_to.get("partition") is not None:
            wanted.add(TopicPartition(reply_to["topic"], int(reply_to["partition"])))
    return wanted
