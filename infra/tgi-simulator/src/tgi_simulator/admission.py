"""Continuous batching: one scheduler loop steps every running sequence at once.

As in TGI's router, requests wait in a FIFO queue and join the running batch between
decode steps while the batch has room: at most ``max_running`` sequences and at most
``max_batch_tokens`` of reserved tokens (input + ``max_new_tokens`` of each, what TGI
reserves in the KV cache). Each loop iteration is one forward pass: the prefill of the
sequences that just joined (which stalls the decode, as without chunked prefill) plus
one decode step whose duration grows with the batch size (see
:class:`~tgi_simulator.latency.LatencyModel`). Every running sequence gains one token per
step, so one timer serves the whole batch however many requests are in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from dataclasses import dataclass, field

from tgi_simulator.errors import overloaded
from tgi_simulator.latency import LatencyModel


@dataclass(eq=False)
class Sequence:
    """One request inside the scheduler.

    Attributes:
        input_tokens: Prompt length (prefill cost).
        reserved_tokens: Input + ``max_new_tokens``: its share of the batch token budget.
        output_tokens: Tokens it will generate before it leaves the batch.
        produced: Tokens generated so far.
        admitted: Loop time it joined the batch (``None`` while waiting).
    """

    input_tokens: int
    reserved_tokens: int
    output_tokens: int
    produced: int = 0
    admitted: float | None = None
    _target: int = 0
    _waiter: asyncio.Future[None] | None = field(default=None, repr=False)

    async def wait_for(self, produced: int) -> None:
        """Return once at least ``produced`` tokens exist.

        Only the step that reaches ``produced`` wakes the waiter, so a request waiting
        for its whole answer costs one wake-up, not one per decode step.
        """
        if self.produced >= produced:
            return
        self._target = produced
        self._waiter = asyncio.get_running_loop().create_future()
        await self._waiter

    def advance(self) -> None:
        """One more token exists; wake the waiter if it was waiting for it."""
        self.produced += 1
        waiter = self._waiter
        if waiter is not None and self.produced >= self._target and not waiter.done():
            waiter.set_result(None)
            self._waiter = None


class Admission:
    """The waiting queue, the running batch and the loop that steps it.

    Counts are read and written on the event loop only, so they need no lock.

    Args:
        max_running: Sequences in the batch at once (TGI's ``max_concurrent_requests``).
        max_waiting: Sequences allowed to wait; more are refused with 429 (0: never wait).
        max_batch_tokens: Reserved-token budget of the batch (``max_batch_total_tokens``).
        latency: Cost of each forward pass.
    """

    def __init__(
        self, max_running: int, max_waiting: int, max_batch_tokens: int, latency: LatencyModel
    ) -> None:
        self.max_running = max_running
        self.max_batch_tokens = max_batch_tokens
        self._max_waiting = max_waiting
        self._latency = latency
        self._queue: deque[Sequence] = deque()
        self._batch: list[Sequence] = []
        self._wake = asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None
        self.running_tokens = 0
        """Reserved tokens of the running batch (``tgi_batch_current_max_tokens``)."""
        self.steps = 0
        """Forward passes run so far."""

    @property
    def waiting(self) -> int:
        """Sequences in the queue (``tgi_queue_size``)."""
        return len(self._queue)

    @property
    def running(self) -> int:
        """Sequences in the batch (``tgi_batch_current_size``)."""
        return len(self._batch)

    def submit(self, sequence: Sequence) -> None:
        """Queue ``sequence``; the loop admits it when the batch has room.

        Raises:
            TgiError: 429 overloaded when the batch is full and the queue too.
        """
        if not self._has_room(sequence) and self.waiting >= self._max_waiting:
            raise overloaded()
        self._queue.append(sequence)
        self._ensure_loop()
        self._wake.set()

    def withdraw(self, sequence: Sequence) -> None:
        """Remove ``sequence`` (its client went away) from the queue or the batch."""
        if sequence in self._queue:
            self._queue.remove(sequence)
        elif sequence in self._batch:
            self._batch.remove(sequence)
            self.running_tokens -= sequence.reserved_tokens

    async def close(self) -> None:
        """Stop the scheduler loop."""
        if self._loop_task is not None:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task

    def _has_room(self, sequence: Sequence) -> bool:
        if not self._batch:
            return True  # an oversized request still runs alone, as TGI never starves it
        fits = self.running_tokens + sequence.reserved_tokens <= self.max_batch_tokens
        return fits and len(self._batch) < self.max_running and not self._queue

    def _ensure_loop(self) -> None:
        if self._loop_task is None or self._loop_task.done():
            self._loop_task = asyncio.get_running_loop().create_task(self._run(), name="tgi-sim-batcher")

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            joined = self._admit(loop.time())
            if not self._batch:
                self._wake.clear()
                await self._wake.wait()
                continue
            prefill = sum(s.input_tokens for s in joined)
            # sleep(0) still yields, so a zero-latency simulator cannot starve the loop.
            await asyncio.sleep(self._latency.step_s(len(self._batch), prefill))
            self._step()

    def _admit(self, now: float) -> list[Sequence]:
        joined: list[Sequence] = []
        while self._queue:
            head = self._queue[0]
            over_tokens = self.running_tokens + head.reserved_tokens > self.max_batch_tokens
            if self._batch and (len(self._batch) >= self.max_running or over_tokens):
                break
            self._queue.popleft()
            head.admitted = now
            self._batch.append(head)
            self.running_tokens += head.reserved_tokens
            joined.append(head)
        return joined

    def _step(self) -> None:
        self.steps += 1
        still_running: list[Sequence] = []
        for sequence in self._batch:
            sequence.advance()
            if sequence.produced < sequence.output_tokens:
                still_running.append(sequence)
            else:
                self.running_tokens -= sequence.reserved_tokens
        self._batch = still_running
