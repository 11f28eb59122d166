"""Which input offsets may be committed: those whose outputs, and every earlier one's, are durable.

A consumer that overlaps batches (:mod:`llmops.batch_consumer`) finishes events out of
order: a later batch's acks can come back before an earlier batch's, and an event whose
produce failed is retried alone while its neighbours are already done. Committing the
highest finished offset would then skip the unfinished one if the worker died: lost. The
ledger records, per partition, the offsets handed out in fetch order and those finished,
and answers the Kafka commit position: one past the last offset of the longest finished
prefix (the next offset to read after a restart). It is pure bookkeeping, no I/O.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

PartitionKey = tuple[str, int]
"""(topic, partition)."""


@dataclass
class _Partition:
    pending: deque[int] = field(default_factory=deque)
    finished: set[int] = field(default_factory=set)
    position: int | None = None  # next offset to commit (one past the finished prefix)
    committed: int | None = None  # the last position handed to a commit


class OffsetLedger:
    """Offsets in flight and finished, per partition; the positions safe to commit."""

    def __init__(self) -> None:
        self._partitions: dict[PartitionKey, _Partition] = {}

    def started(self, key: PartitionKey, offsets: Iterable[int]) -> None:
        """Record offsets read from ``key``'s partition, in fetch (ascending) order."""
        part = self._partitions.setdefault(key, _Partition())
        part.pending.extend(offsets)

    def finished(self, key: PartitionKey, offsets: Iterable[int]) -> None:
        """Mark offsets whose outputs are durable (ignored for a partition since released)."""
        part = self._partitions.get(key)
        if part is None:
            return
        part.finished.update(offsets)
        while part.pending and part.pending[0] in part.finished:
            done = part.pending.popleft()
            part.finished.discard(done)
            part.position = done + 1

    def in_flight(self, key: PartitionKey) -> int:
        """How many offsets of ``key`` were started and are not yet part of the committable prefix."""
        part = self._partitions.get(key)
        return len(part.pending) if part else 0

    def to_commit(self) -> dict[PartitionKey, int]:
        """Positions that moved since the last :meth:`committed` call, by partition."""
        return {
            key: part.position
            for key, part in self._partitions.items()
            if part.position is not None and part.position != part.committed
        }

    def committed(self, positions: Mapping[PartitionKey, int]) -> None:
        """Record that ``positions`` were committed to the group."""
        for key, position in positions.items():
            part = self._partitions.get(key)
            if part is not None:
                part.committed = position

    def last_committed(self, key: PartitionKey) -> int | None:
        """The last position this ledger committed for ``key`` (None: none yet, or released)."""
        part = self._partitions.get(key)
        return part.committed if part else None

    def release(self, keys: Iterable[PartitionKey]) -> None:
        """Forget partitions (revoked): late finishes for them are ignored."""
        for key in keys:
            self._partitions.pop(key, None)
