"""The join state in a faust table, written with an explicit changelog partition.

Keys are request ids (plus one chain-head key per partition); every write names the
partition of its request, the same on the three co-partitioned input topics and the
table's changelog. Writing with an explicit partition (rather than faust's implicit
"partition of the current event") lets the join timer and the delivery callbacks update
state outside of stream iteration too. The returned future resolves once the changelog
write is acknowledged by the broker.

Chain heads are kept in memory while sealing and written to the changelog lazily (once
per delivered batch and partition, with the "delivered through" watermark): the sealed
records themselves are in the changelog before they are sent, so :meth:`recover` finds
the true head as the highest of the stored head and the sealed records.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

from faust.types import TableT

from audit.chain import ChainHead, head_of
from audit.changelog import ChangelogWriter

JoinState = dict[str, Any]
HEAD_PREFIX = "__chain_head__/"


class JoinStore:
    """Read and write join states and chain heads.

    Args:
        table: A faust table with json keys and values, partitioned like the input topics.
        writer: Sends the changelog writes (faust's ``send_changelog`` is bypassed: see
            :mod:`audit.changelog`).
    """

    def __init__(self, table: TableT[Any, Any], writer: ChangelogWriter) -> None:
        self.table = table
        self.writer = writer
        self.heads: dict[int, ChainHead] = {}
        self.staged: dict[str, int] = {}

    def get(self, request_id: str) -> JoinState | None:
        """The state of one inference, if any."""
        value: JoinState | None = self.table.data.get(request_id)
        return value

    def put(self, partition: int, request_id: str, state: JoinState) -> asyncio.Future[Any]:
        """Store ``state`` and send it to the changelog partition ``partition``."""
        self.table.data[request_id] = state
        return self._changelog(partition, request_id, state)

    def stage(self, partition: int, request_id: str, state: JoinState) -> None:
        """Store an open join's ``state`` now; its changelog write waits for :meth:`write_staged`."""
        self.table.data[request_id] = state
        self.staged[request_id] = partition

    async def write_staged(self) -> None:
        """Send the staged states that are still open (a sealed one was written when it was sealed).

        Returns once those writes are in the producer, which faust flushes before it commits.
        """
        staged, self.staged = self.staged, {}
        for request_id, partition in staged.items():
            state = self.table.data.get(request_id)
            if state is not None and "stages" in state:
                self._changelog(partition, request_id, state)
        try:
            await self.writer.handed_over()
        except BaseException:
            self.staged = {**staged, **self.staged}  # written again at the next flush
            raise

    def remember(self, request_id: str, state: JoinState) -> None:
        """Replace the in-memory state only: what the changelog holds stays valid after a restart."""
        self.table.data[request_id] = state

    def delete(self, partition: int, request_id: str) -> None:
        """Forget one inference (tombstone in the changelog)."""
        self.table.data.pop(request_id, None)
        self._changelog(partition, request_id, None)

    def chain_head(self, partition: int) -> ChainHead:
        """The head sealing continues from (genesis when no record was sealed yet)."""
        head = self.heads.get(partition)
        if head is None:
            head = self.heads[partition] = self._stored_head(partition)
        return head

    def advance(self, partition: int, head: ChainHead) -> None:
        """Move the in-memory chain head (the sealed record carries it to the changelog)."""
        self.heads[partition] = head

    def delivered_through(self, partition: int) -> int:
        """The chain position up to which every record of ``partition`` was indexed."""
        value = self.table.data.get(f"{HEAD_PREFIX}{partition}") or {}
        return int(value.get("delivered", 0))

    def save_head(self, partition: int, delivered_through: int) -> asyncio.Future[Any]:
        """Write the chain head of ``partition`` with its "delivered through" watermark."""
        head = self.chain_head(partition)
        value = {"seq": head.seq, "hash": head.hash, "delivered": delivered_through}
        self.table.data[f"{HEAD_PREFIX}{partition}"] = value
        return self._changelog(partition, f"{HEAD_PREFIX}{partition}", value)

    def recover(self) -> None:
        """Recompute the chain heads from the table (after faust recovered it from the changelog).

        A head moves only forward: the highest of the in-memory head, the stored head and
        the sealed records of the partition. (Heads written by versions before the
        watermark carry no ``delivered``: their sealed records are redelivered, unchanged.)
        """
        heads: dict[int, ChainHead] = {}
        for raw_key, value in list(self.table.data.items()):
            key = str(raw_key)
            if key.startswith(HEAD_PREFIX):
                found, partition = ChainHead(value["seq"], value["hash"]), int(key[len(HEAD_PREFIX) :])
            elif isinstance(value, dict) and "sealed" in value:
                found, partition = head_of(value["sealed"]), int(value["partition"])
            else:
                continue
            if found.seq > heads.get(partition, ChainHead()).seq:
                heads[partition] = found
        for partition, head in heads.items():
            if head.seq > self.chain_head(partition).seq:
                self.heads[partition] = head

    def states(self) -> Iterator[tuple[str, JoinState]]:
        """A snapshot of every (request id, state), chain heads excluded."""
        for key, value in list(self.table.data.items()):
            if not str(key).startswith(HEAD_PREFIX):
                yield str(key), value

    def _stored_head(self, partition: int) -> ChainHead:
        value = self.table.data.get(f"{HEAD_PREFIX}{partition}")
        return ChainHead(value["seq"], value["hash"]) if value else ChainHead()

    def _changelog(self, partition: int, key: str, value: Any) -> asyncio.Future[Any]:
        return self.writer.send(partition, key, value)
