"""The join state in a faust table, written with an explicit changelog partition.

Keys are request ids (plus one chain-head key per partition); every write names the
partition of its request, the same on the three co-partitioned input topics and the
table's changelog. Writing with an explicit partition (rather than faust's implicit
"partition of the current event") lets the join timer and the delivery callbacks update
state outside of stream iteration too. The returned future resolves once the changelog
write is acknowledged by the broker.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

from faust.types import TableT

from audit.chain import ChainHead

JoinState = dict[str, Any]
HEAD_PREFIX = "__chain_head__/"


class JoinStore:
    """Read and write join states and chain heads.

    Args:
        table: A faust table with json keys and values, partitioned like the input topics.
    """

    def __init__(self, table: TableT[Any, Any]) -> None:
        self.table = table

    def get(self, request_id: str) -> JoinState | None:
        """The state of one inference, if any."""
        value: JoinState | None = self.table.data.get(request_id)
        return value

    def put(self, partition: int, request_id: str, state: JoinState) -> asyncio.Future[Any]:
        """Store ``state`` and send it to the changelog partition ``partition``."""
        self.table.data[request_id] = state
        return self._changelog(partition, request_id, state)

    def delete(self, partition: int, request_id: str) -> None:
        """Forget one inference (tombstone in the changelog)."""
        self.table.data.pop(request_id, None)
        self._changelog(partition, request_id, None, value_serializer="raw")

    def chain_head(self, partition: int) -> ChainHead:
        """The chain head of ``partition`` (genesis when no record was sealed yet)."""
        value = self.table.data.get(f"{HEAD_PREFIX}{partition}")
        return ChainHead(**value) if value else ChainHead()

    def put_chain_head(self, partition: int, head: ChainHead) -> asyncio.Future[Any]:
        """Move the chain head of ``partition``."""
        value = {"seq": head.seq, "hash": head.hash}
        self.table.data[f"{HEAD_PREFIX}{partition}"] = value
        return self._changelog(partition, f"{HEAD_PREFIX}{partition}", value)

    def states(self) -> Iterator[tuple[str, JoinState]]:
        """A snapshot of every (request id, state), chain heads excluded."""
        for key, value in list(self.table.data.items()):
            if not str(key).startswith(HEAD_PREFIX):
                yield str(key), value

    def _changelog(self, partition: int, key: str, value: Any, **serializers: Any) -> asyncio.Future[Any]:
        future: asyncio.Future[Any] = self.table.send_changelog(partition, key, value, **serializers)
        return future
