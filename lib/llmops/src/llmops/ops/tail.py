"""``llmops tail``: print the events of one topic, decoded, filtered, as a table or JSON.

Undecodable events are printed (reason and hex prefix of the value) and reading goes
on: at 3 a.m. the bad event is often the one you are looking for, and stopping at it
would hide everything after it. The outcome counts them so the command can exit
non-zero when any was seen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from llmops.codec import AvroCodec
from llmops.ops.event_view import view_of
from llmops.ops.filters import EventFilter
from llmops.ops.formatting import json_line, table_header, table_line
from llmops.ops.reader import StartAt, TopicReader
from llmops.ops.summary import summarize


@dataclass(frozen=True)
class TailOptions:
    """What to print.

    Attributes:
        start: Where to start in each partition.
        follow: Keep waiting for new events.
        event_filter: Which events to print.
        max_events: Stop after printing this many (``None``: no limit).
        as_json: JSON lines instead of a table.
    """

    start: StartAt
    follow: bool = False
    event_filter: EventFilter = field(default_factory=EventFilter)
    max_events: int | None = None
    as_json: bool = False


@dataclass
class TailOutcome:
    """What was printed: events shown and, of those, undecodable ones."""

    shown: int = 0
    undecodable: int = 0


async def tail(
    reader: TopicReader,
    codec: AvroCodec,
    topic: str,
    options: TailOptions,
    emit: Callable[[str], None],
    outcome: TailOutcome | None = None,
) -> TailOutcome:
    """Print the matching events of ``topic`` through ``emit``.

    Args:
        reader: An entered :class:`TopicReader`.
        codec: Decodes the events.
        topic: Topic to read.
        options: Start, follow, filter, limit and format.
        emit: Called with each output line.
        outcome: Counts updated in place (so a caller interrupted mid-follow still has them).

    Raises:
        UnknownTopic: Before anything is printed, when the topic does not exist.
    """
    outcome = outcome if outcome is not None else TailOutcome()
    partitions = await reader.partitions(topic)
    if options.max_events == 0:
        return outcome
    if not options.as_json:
        emit(table_header())
    async for record in reader.read(partitions, options.start, options.follow):
        view = view_of(codec, record)
        summary = summarize(view)
        if not options.event_filter.matches(summary):
            continue
        emit(json_line(view) if options.as_json else table_line(view, summary))
        outcome.shown += 1
        outcome.undecodable += view.event is None
        if options.max_events is not None and outcome.shown >= options.max_events:
            break
    return outcome
