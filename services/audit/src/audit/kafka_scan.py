"""Read the request ids of a time range from ``llm.requests.v1`` without joining a consumer group.

Each partition is read from the first offset at or after the range's start (minus a
margin for producer clock skew) up to its end offset taken when the scan begins, so the
scan ends even while traffic flows: :class:`llmops.ops.reader.TopicReader` does the
group-less reading, as it does for ``llmops tail`` and ``llmops trace``.
"""

from __future__ import annotations

from typing import Any

from llmops import topics
from llmops.errors import InvalidMessage
from llmops.ops.reader import StartAt, TopicReader, UnknownTopic

SKEW_MARGIN_MS = 5 * 60 * 1000


async def request_ids_between(bootstrap: str, codec: Any, since_ms: int, until_ms: int) -> set[str]:
    """Ids of the requests whose ``created_at`` lies in [since_ms, until_ms] (none if the topic is absent)."""
    ids: set[str] = set()
    async with TopicReader(bootstrap, client_id="llmops-audit-verify") as reader:
        try:
            partitions = await reader.partitions(topics.REQUESTS.name)
        except UnknownTopic:
            return ids
        start = StartAt("since", max(0, since_ms - SKEW_MARGIN_MS))
        async for record in reader.read(partitions, start):
            _collect(codec, record.value, since_ms, until_ms, ids)
    return ids


def _collect(codec: Any, value: bytes | None, since_ms: int, until_ms: int, ids: set[str]) -> None:
    try:
        request = codec.decode(value or b"", topics.REQUESTS.schema)
    except InvalidMessage:
        return  # dead-lettered by the services; not a request
    if since_ms <= request["created_at"] <= until_ms:
        ids.add(request["request_id"])
