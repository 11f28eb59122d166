"""A Kafka producer that only reports success once the write is durable.

``acks=all`` and ``linger_ms=0`` by default: the platform's request path is latency
bound, and a consumer commits its offsets only after its output is acknowledged.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from llmops.errors import DependencyUnavailable, FatalError, RetriableError


class DurableProducer:
    """Thin wrapper over :class:`aiokafka.AIOKafkaProducer` with error classification.

    Args:
        bootstrap: Comma-separated broker list.
        client_id: Shown in broker logs and metrics.
        linger_ms: Batching delay; 0 favours latency.
    """

    def __init__(self, bootstrap: str, client_id: str, linger_ms: int = 0) -> None:
        self.bootstrap = bootstrap
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap,
            client_id=client_id,
            acks="all",
            linger_ms=linger_ms,
            request_timeout_ms=15_000,
        )
        self.started = False

    async def start(self) -> None:
        """Connect to the brokers.

        Raises:
            DependencyUnavailable: Naming the bootstrap servers when none answers.
        """
        try:
            await self._producer.start()
        except KafkaError as exc:
            await self._producer.stop()
            raise DependencyUnavailable("kafka", self.bootstrap, str(exc)) from exc
        self.started = True

    async def stop(self) -> None:
        """Flush pending writes and disconnect."""
        await self._producer.stop()
        self.started = False

    async def send(
        self,
        topic: str,
        value: bytes,
        key: bytes | None = None,
        partition: int | None = None,
        headers: Sequence[tuple[str, bytes]] | None = None,
    ) -> None:
        """Produce one record and wait until all in-sync replicas have it.

        Raises:
            RetriableError: For transient broker errors (the caller may retry).
            FatalError: For errors that retrying cannot fix.
        """
        try:
            await self._producer.send_and_wait(
                topic, value, key=key, partition=partition, headers=list(headers) if headers else None
            )
        except KafkaError as exc:
            if getattr(exc, "retriable", False):
                raise RetriableError(f"produce to {topic} failed: {exc}") from exc
            raise FatalError(f"produce to {topic} failed: {exc}") from exc
