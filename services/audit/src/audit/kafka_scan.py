"""Read the request ids of a time range from ``llm.requests.v1`` without joining a consumer group.

Each partition is read from the first offset at or after the range's start (minus a
margin for producer clock skew) up to its end offset taken when the scan begins, so the
scan ends even while traffic flows.
"""

from __future__ import annotations

from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from llmops import topics
from llmops.errors import InvalidMessage

SKEW_MARGIN_MS = 5 * 60 * 1000


async def request_ids_between(bootstrap: str, codec: Any, since_ms: int, until_ms: int) -> set[str]:
    """Ids of the requests whose ``created_at`` lies in [since_ms, until_ms]."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        partitions = [
            TopicPartition(topics.REQUESTS.name, p)
            for p in consumer.partitions_for_topic(topics.REQUESTS.name) or ()
        ]
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        starts = await consumer.offsets_for_times(
            {tp: max(0, since_ms - SKEW_MARGIN_MS) for tp in partitions}
        )
        pending = {tp for tp in partitions if ends[tp] > 0}
        for tp in partitions:
            found = starts.get(tp)
            consumer.seek(tp, found.offset if found is not None else ends[tp])
        ids: set[str] = set()
        while pending:
            batches = await consumer.getmany(*pending, timeout_ms=1000, max_records=5000)
            for records in batches.values():
                for record in records:
                    _collect(codec, record.value, since_ms, until_ms, ids)
            pending = {tp for tp in pending if await consumer.position(tp) < ends[tp]}
        return ids
    finally:
        await consumer.stop()


def _collect(codec: Any, value: bytes | None, since_ms: int, until_ms: int, ids: set[str]) -> None:
    try:
        request = codec.decode(value or b"", topics.REQUESTS.schema)
    except InvalidMessage:
        return  # dead-lettered by the services; not a request
    if since_ms <= request["created_at"] <= until_ms:
        ids.add(request["request_id"])
