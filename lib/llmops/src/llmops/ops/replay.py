"""``llmops deadletter replay``: re-produce dead-lettered events to their source topic.

What "idempotent downstream" means here:

* **Only the consumer that failed sees the replay.** The replayed record carries
  ``llmops-replay-for: <service>`` and every other consumer of the source topic skips
  it (:mod:`llmops.replay_marker`): they already processed the original, so they
  produce nothing twice.
* **One dead letter is replayed at most once.** The record also carries
  ``llmops-replay-of: <partition>:<offset>`` of the dead letter; before producing, the
  source partition is scanned from the dead letter's time for that marker and an entry
  already replayed is skipped (``--force`` overrides, for a replay whose effect was lost).
* **The bytes are the original ones**: key, value and headers as received, to the
  source partition, so ordering per key and the request id (audit's document id) are
  unchanged; the failing service's own dedupe still applies.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from aiokafka import TopicPartition

from llmops.ops.event_view import EventView
from llmops.ops.reader import StartAt, TopicReader, UnknownTopic
from llmops.producer import DurableProducer
from llmops.replay_marker import REPLAY_FOR, REPLAY_OF

CLOCK_SKEW_MS = 60_000


@dataclass(frozen=True)
class ReplayItem:
    """One dead letter and what replaying it sends.

    Attributes:
        dead_letter: The dead letter.
        topic: Source topic.
        partition: Source partition; None when the topic no longer has it (the key decides).
        key: Original key.
        value: Original value.
        headers: Original headers plus the replay markers.
        skip_reason: Why it will not be sent (already replayed, source topic gone), or None.
    """

    dead_letter: EventView
    topic: str
    partition: int | None
    key: bytes | None
    value: bytes
    headers: list[tuple[str, bytes]]
    skip_reason: str | None = None


async def plan_replay(reader: TopicReader, dead_letters: list[EventView], force: bool) -> list[ReplayItem]:
    """What replaying ``dead_letters`` would send, with the items to skip marked."""
    items = [await _item(reader, view) for view in dead_letters if view.event is not None]
    if force:
        return items
    done = await _replayed_markers(reader, [i for i in items if i.skip_reason is None])
    return [
        replace(item, skip_reason=f"already replayed as {done[item.dead_letter.position]}")
        if item.skip_reason is None and item.dead_letter.position in done
        else item
        for item in items
    ]


async def replay(producer: DurableProducer, items: list[ReplayItem]) -> int:
    """Send the items not skipped, in order, each acknowledged (acks=all); returns how many."""
    sent = 0
    for item in items:
        if item.skip_reason is None:
            await producer.send(
                item.topic, item.value, key=item.key, partition=item.partition, headers=item.headers
            )
            sent += 1
    return sent


async def _item(reader: TopicReader, view: EventView) -> ReplayItem:
    event = view.event or {}
    markers = (REPLAY_OF, REPLAY_FOR)
    headers = [(h["key"], h["value"] or b"") for h in event["headers"] if h["key"] not in markers]
    headers += [(REPLAY_OF, view.position.encode()), (REPLAY_FOR, event["service"].encode())]
    topic, partition = event["source_topic"], event["source_partition"]
    item = ReplayItem(view, topic, partition, event["source_key"], event["payload"], headers)
    try:
        partitions = await reader.partitions(topic)
    except UnknownTopic as exc:
        return replace(item, skip_reason=f"cannot replay: {exc}")
    return item if TopicPartition(topic, partition) in partitions else replace(item, partition=None)


async def _replayed_markers(reader: TopicReader, items: list[ReplayItem]) -> dict[str, str]:
    """``dead-letter position -> topic:partition:offset`` of earlier replays found on the targets."""
    since: dict[TopicPartition, int] = defaultdict(lambda: 2**62)
    for item in items:
        if item.partition is not None:
            tp = TopicPartition(item.topic, item.partition)
            since[tp] = min(since[tp], item.dead_letter.timestamp_ms - CLOCK_SKEW_MS)
    found: dict[str, str] = {}
    for tp, start_ms in since.items():
        async for record in reader.read([tp], StartAt("since", start_ms)):
            for name, value in record.headers or ():
                if name == REPLAY_OF and value is not None:
                    found[value.decode(errors="replace")] = f"{tp.topic}:{tp.partition}:{record.offset}"
    return found
