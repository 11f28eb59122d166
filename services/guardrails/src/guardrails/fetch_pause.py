"""A short pause after a fetch that brought nothing, before the consumer fetches again.

A Kafka broker holds a fetch until data arrives or ``fetch_max_wait_ms`` passes (faust
fixes 1.5 s), so an idle consumer sends a few requests a second. The local stand-in
(noida-db) answers at once, so aiokafka's fetcher loops: 2,000-3,600 empty fetches a
second, measured, and a py-spy profile of the service under the benchmark's load put 22%
of its busy CPU in writing those requests. Pausing a few milliseconds after an empty
answer does on the client what the broker would do: an idle consumer costs nothing, and a
busy one (whose fetches bring records) never pauses. Against a real broker an empty answer
comes only after the broker's own wait, so the pause then adds nothing that matters.

aiokafka exposes no hook for this, so :func:`install` wraps its (private) fetch coroutine;
it logs once and does nothing when an aiokafka upgrade removed it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from aiokafka.consumer import fetcher

log = logging.getLogger(__name__)

_PAUSE_S = 0.0
_ATTRIBUTE = "_proc_fetch_request"
_INSTALLED = "_llmops_paused"

FetchRequest = Callable[..., Coroutine[Any, Any, bool]]


def paused(fetch: FetchRequest) -> FetchRequest:
    """``fetch`` (which returns whether records arrived), pausing after an answer without records."""

    async def fetch_then_pause(*args: Any) -> bool:
        got_records = await fetch(*args)
        if not got_records and _PAUSE_S > 0:
            await asyncio.sleep(_PAUSE_S)  # the node stays "in flight": no new fetch meanwhile
        return got_records

    setattr(fetch_then_pause, _INSTALLED, True)
    return fetch_then_pause


def install(pause_s: float) -> bool:
    """Pause ``pause_s`` seconds after every empty fetch of this process's consumers (0 turns it off).

    Returns:
        False when aiokafka no longer has the fetch coroutine this wraps (nothing changed).
    """
    global _PAUSE_S  # noqa: PLW0603 - one setting for the process's one consumer
    original = getattr(fetcher.Fetcher, _ATTRIBUTE, None)
    if original is None:
        log.warning("aiokafka's fetcher has changed; empty fetches are not paused")
        return False
    _PAUSE_S = pause_s
    if not getattr(original, _INSTALLED, False):
        setattr(fetcher.Fetcher, _ATTRIBUTE, paused(original))
    return True
