"""Admission control: a bounded number of running requests and a bounded wait queue.

This first version treats the GPU as ``max_concurrent_requests`` independent slots (a
semaphore); a request that finds them all busy waits for one, unless ``max_queue``
requests are already waiting, in which case it is refused with TGI's 429. Continuous
batching, where the slot count and per-token cost depend on the batch, can replace this
class behind the same ``slot()`` interface.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tgi_simulator.errors import overloaded


class Admission:
    """Limits concurrency and queueing, and reports both for the metrics.

    The counts are only read and written on the event loop, so they need no lock.
    """

    def __init__(self, max_running: int, max_waiting: int) -> None:
        """Create the limiter.

        Args:
            max_running: Requests that may hold a slot at once (>= 1).
            max_waiting: Requests that may wait for a slot (>= 0).
        """
        self._slots = asyncio.Semaphore(max_running)
        self._max_waiting = max_waiting
        self.waiting = 0
        """Requests waiting for a slot (``tgi_queue_size``)."""
        self.running = 0
        """Requests holding a slot (``tgi_batch_current_size``)."""
        self.running_tokens = 0
        """Sum of input + max new tokens of running requests (``tgi_batch_current_max_tokens``)."""

    @asynccontextmanager
    async def slot(self, max_tokens: int) -> AsyncIterator[None]:
        """Hold a generation slot for the duration of the block, waiting if needed.

        Args:
            max_tokens: The request's input tokens plus ``max_new_tokens``.

        Raises:
            TgiError: 429 overloaded, raised before waiting, when every slot is busy
                and the queue is full.
        """
        if self._slots.locked() and self.waiting >= self._max_waiting:
            raise overloaded()
        self.waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self.waiting -= 1
        self.running += 1
        self.running_tokens += max_tokens
        try:
            yield
        finally:
            self.running -= 1
            self.running_tokens -= max_tokens
            self._slots.release()
