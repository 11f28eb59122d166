"""``llmops deadletter list`` and ``show``: find dead-lettered events and explain them.

A dead letter is named by its position on ``llm.deadletter.v1`` (``partition:offset``,
unique) or by the request id of the event that failed (which may match several: one
per service that failed on it, or one per replay that failed again).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aiokafka import TopicPartition

from llmops import topics
from llmops.codec import AvroCodec
from llmops.errors import ConfigurationError, LlmopsError
from llmops.ops.event_view import EventView, view_of
from llmops.ops.reader import StartAt, TopicReader
from llmops.ops.summary import summarize

_POSITION = re.compile(r"(\d+):(\d+)")


class DeadLetterNotFound(LlmopsError):
    """No dead letter has the request id asked for."""


@dataclass(frozen=True)
class DeadLetterFilter:
    """Which dead letters to list or replay; all given criteria must hold.

    Attributes:
        source_topic: Exact source topic.
        reason: Case-insensitive substring of the error type or message.
        service: Exact service that dead-lettered the event.
        request_id: Request id of the failed event (from its key or decoded payload).
    """

    source_topic: str | None = None
    reason: str | None = None
    service: str | None = None
    request_id: str | None = None

    def matches(self, view: EventView) -> bool:
        """True for a decoded dead letter meeting every criterion given."""
        event = view.event
        if event is None:
            return False
        if self.source_topic is not None and event["source_topic"] != self.source_topic:
            return False
        if self.service is not None and event["service"] != self.service:
            return False
        if self.request_id is not None and summarize(view).request_id != self.request_id:
            return False
        reason = f"{event['error_type']}: {event['error']}".lower()
        return self.reason is None or self.reason.lower() in reason


async def list_dead_letters(
    reader: TopicReader, codec: AvroCodec, start: StartAt, chosen: DeadLetterFilter, limit: int | None
) -> list[EventView]:
    """The matching dead letters from ``start``, at most ``limit``, oldest first per partition."""
    found: list[EventView] = []
    if limit == 0:
        return found
    partitions = await reader.partitions(topics.DEADLETTER.name)
    async for record in reader.read(partitions, start):
        view = view_of(codec, record)
        if chosen.matches(view):
            found.append(view)
            if limit is not None and len(found) >= limit:
                break
    return found


def parse_position(text: str) -> tuple[int, int] | None:
    """``"2:17"`` -> (2, 17); None when ``text`` is not a position (then it is a request id)."""
    match = _POSITION.fullmatch(text.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


async def dead_letter_at(reader: TopicReader, codec: AvroCodec, partition: int, offset: int) -> EventView:
    """The dead letter at ``partition:offset``.

    Raises:
        ConfigurationError: When the partition does not exist or holds no such offset.
    """
    partitions = await reader.partitions(topics.DEADLETTER.name)
    tp = TopicPartition(topics.DEADLETTER.name, partition)
    if tp not in partitions:
        raise ConfigurationError(f"{topics.DEADLETTER.name} has no partition {partition}")
    async for record in reader.read([tp], StartAt("offset", offset)):
        if record.offset == offset:
            return view_of(codec, record)
        break
    raise ConfigurationError(
        f"no dead letter at {partition}:{offset} (deleted by retention, or not yet written)"
    )


async def select_dead_letters(
    reader: TopicReader,
    codec: AvroCodec,
    names: list[str],
    start: StartAt,
    chosen: DeadLetterFilter,
    limit: int | None,
) -> list[EventView]:
    """Dead letters by position or request id, or every one ``chosen`` matches when ``names`` is empty.

    Raises:
        ConfigurationError: For a position that holds no dead letter.
        DeadLetterNotFound: For a request id without dead letters (from ``start``).
    """
    if not names:
        return await list_dead_letters(reader, codec, start, chosen, limit)
    found: list[EventView] = []
    for name in names:
        position = parse_position(name)
        if position is not None:
            found.append(await dead_letter_at(reader, codec, *position))
            continue
        by_id = DeadLetterFilter(chosen.source_topic, chosen.reason, chosen.service, name)
        matches = await list_dead_letters(reader, codec, start, by_id, limit)
        if not matches:
            raise DeadLetterNotFound(f"no dead letter for request id {name!r}")
        found += matches
    return found
