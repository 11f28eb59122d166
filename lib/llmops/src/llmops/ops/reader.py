"""Read topics without a consumer group: manual assignment, no commits, ever.

A consumer with ``group_id=None`` never talks to a group coordinator: it cannot join a
service's group, trigger a rebalance, steal a partition or move a committed offset.
Offsets are chosen here (beginning, the last N, or the first at/after an instant via
``offsets_for_times``) and kept only in memory.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError

from llmops.errors import ConfigurationError, DependencyUnavailable


class UnknownTopic(ConfigurationError):
    """The topic does not exist on the cluster (nothing is created by asking)."""


@dataclass(frozen=True)
class StartAt:
    """Where reading starts in every partition.

    Attributes:
        kind: ``beginning``, ``end``, ``last`` (the last ``value`` events of each
            partition), ``since`` (first event with a timestamp >= ``value`` ms) or
            ``offset`` (the offset ``value``, clamped to what the partition holds).
        value: Count for ``last``, epoch milliseconds for ``since``, offset for ``offset``.
    """

    kind: Literal["beginning", "end", "last", "since", "offset"]
    value: int = 0


class TopicReader:
    """An async context manager over one group-less :class:`AIOKafkaConsumer`.

    Args:
        bootstrap: Comma-separated broker list.
        client_id: Shown in broker logs, so an operator's reads are recognisable.
    """

    def __init__(self, bootstrap: str, client_id: str = "llmops-ops") -> None:
        self.bootstrap = bootstrap
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap,
            client_id=client_id,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            request_timeout_ms=15_000,
        )

    async def __aenter__(self) -> TopicReader:
        try:
            await self.consumer.start()
        except KafkaError as exc:
            await self.consumer.stop()
            raise DependencyUnavailable("kafka", self.bootstrap, str(exc)) from exc
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.consumer.stop()

    async def partitions(self, topic: str) -> list[TopicPartition]:
        """Every partition of ``topic``, read from full cluster metadata.

        Raises:
            UnknownTopic: When the cluster has no such topic. The metadata request lists
                all topics, so asking never auto-creates one.
        """
        # The consumer's own metadata narrows to its assigned topics once it has an
        # assignment, so partitions_for_topic() would forget every other topic: ask for a
        # fresh full snapshot (what consumer.topics() does) and read it directly.
        try:
            cluster = await self.consumer._client.fetch_all_metadata()
        except KafkaError as exc:
            raise DependencyUnavailable("kafka", self.bootstrap, str(exc)) from exc
        existing: set[str] = cluster.topics()
        if topic not in existing:
            known = ", ".join(sorted(t for t in existing if not t.startswith("_"))) or "none"
            raise UnknownTopic(f"unknown topic {topic!r}; topics on the cluster: {known}")
        ids = cluster.partitions_for_topic(topic) or set()
        return [TopicPartition(topic, p) for p in sorted(ids)]

    async def read(
        self, partitions: Iterable[TopicPartition], start: StartAt, follow: bool = False
    ) -> AsyncIterator[Any]:
        """Yield the records of ``partitions`` from ``start``, in offset order per partition.

        Without ``follow`` the read ends at the end offsets taken when it begins, so it
        terminates while traffic flows; with ``follow`` it waits for new records forever.
        """
        tps = list(partitions)
        self.consumer.assign(tps)
        ends: dict[TopicPartition, int] = await self.consumer.end_offsets(tps)
        for tp, offset in (await self._start_offsets(tps, start, ends)).items():
            self.consumer.seek(tp, offset)
        pending = {tp for tp in tps if follow or await self.consumer.position(tp) < ends[tp]}
        while pending:
            batches = await self.consumer.getmany(*pending, timeout_ms=500, max_records=1000)
            for tp, records in batches.items():
                for record in records:
                    if follow or record.offset < ends[tp]:
                        yield record
            if not follow:
                pending = {tp for tp in pending if await self.consumer.position(tp) < ends[tp]}

    async def _start_offsets(
        self, tps: list[TopicPartition], start: StartAt, ends: dict[TopicPartition, int]
    ) -> dict[TopicPartition, int]:
        if start.kind == "end":
            return dict(ends)
        firsts: dict[TopicPartition, int] = await self.consumer.beginning_offsets(tps)
        if start.kind == "beginning":
            return firsts
        if start.kind == "offset":
            return {tp: min(max(firsts[tp], start.value), ends[tp]) for tp in tps}
        if start.kind == "last":
            return {tp: max(firsts[tp], ends[tp] - start.value) for tp in tps}
        found = await self.consumer.offsets_for_times({tp: start.value for tp in tps})
        return {tp: found[tp].offset if found.get(tp) is not None else ends[tp] for tp in tps}
