"""Writes to the join table's changelog, handed straight to the Kafka producer's batches.

faust's own path for a table write (``send_changelog``) wraps each write in a future
message, queues it in a buffer that one task drains a message at a time, and makes the
stream wait whenever that buffer holds more than 100 messages: one 10,000-record
catch-up logged 162 such stalls, and the buffer's machinery was about a tenth of the
worker's busy time (py-spy).
This writer serializes with orjson (JSON, as the table's ``json`` schema reads it back
on recovery) and hands the writes of one event-loop turn to the producer together, in
one task. The key is the JSON of the request id, exactly what faust's key serializer
writes, so compaction and recovery see one key per inference.

faust's callback after a table write records the changelog offset for on-disk stores
(the audit table is in memory, which recovers the whole changelog anyway); without it an
on-disk store would recover from the changelog's start too: slower, not wrong.

Durability is unchanged: :meth:`ChangelogWriter.handed_over` returns once every write
so far is in the producer's batches, which faust flushes (waits for the broker's acks)
before it commits any offset; and each write's future resolves with its own ack.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any, Protocol

import orjson


class Producer(Protocol):
    """faust's producer (``app.producer``): ``send`` returns the write's acknowledgement."""

    async def send(
        self,
        topic: str,
        key: bytes | None,
        value: bytes | None,
        partition: int | None,
        timestamp: float | None,
        headers: Any,
    ) -> asyncio.Future[Any]:
        """Queue one message; the returned future resolves when the broker acknowledged it."""


class ChangelogWriter:
    """Send join-table writes (``value`` None: a tombstone) to the changelog topic.

    Args:
        producer: faust's producer, started by the app.
        topic: The table's changelog topic.
    """

    def __init__(self, producer: Producer, topic: str) -> None:
        self.producer = producer
        self.topic = topic
        self.pending: list[tuple[int, bytes, bytes | None, asyncio.Future[Any]]] = []
        self.task: asyncio.Task[None] | None = None

    def send(self, partition: int, key: str, value: Any) -> asyncio.Future[Any]:
        """Queue one write to ``partition``; the future resolves once the broker acknowledged it."""
        written: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        body = None if value is None else orjson.dumps(value)
        self.pending.append((partition, orjson.dumps(key), body, written))
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._hand_over())
            self.task.add_done_callback(_retrieve)
        return written

    async def handed_over(self) -> None:
        """Return once every write queued so far is in the producer (flushed before any commit).

        Raises:
            The producer's error when one of those writes could not be handed over (their
            futures carry it too).
        """
        task = self.task  # the writes queued so far are this task's (none is queued if it ended)
        if task is not None and not task.done():
            await asyncio.shield(task)

    async def _hand_over(self) -> None:
        batch: list[tuple[int, bytes, bytes | None, asyncio.Future[Any]]] = []
        sent = 0
        try:
            while self.pending:
                batch, self.pending, sent = self.pending, [], 0
                for partition, key, value, written in batch:
                    ack = await self.producer.send(self.topic, key, value, partition, None, None)
                    ack.add_done_callback(functools.partial(_settle_from, written))
                    sent += 1
        except BaseException as exc:
            failed, self.pending = [*batch[sent:], *self.pending], []
            for *_, written in failed:
                _settle(written, exc)
            raise


def _settle_from(written: asyncio.Future[Any], ack: asyncio.Future[Any]) -> None:
    if written.done():
        return
    if ack.cancelled():
        written.cancel()
    else:
        error = ack.exception()
        if error is None:
            written.set_result(ack.result())
        else:
            _settle(written, error)


def _settle(written: asyncio.Future[Any], error: BaseException) -> None:
    if written.done():
        return
    if isinstance(error, asyncio.CancelledError):
        written.cancel()
    else:
        written.set_exception(error)


def _retrieve(task: asyncio.Task[None]) -> None:
    """Mark a failed hand-over's error as seen: its futures and :meth:`handed_over` report it."""
    if not task.cancelled():
        task.exception()
