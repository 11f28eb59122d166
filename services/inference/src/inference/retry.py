"""Retries of retriable model-call failures, bounded by the request's deadline.

Retriable means the server may answer later: 429, 503 (overloaded), timeouts and
refused connections. Delays follow exponential backoff with full jitter
(:class:`~llmops.backoff.Backoff`). Nothing runs past the deadline: each attempt's
budget is the smaller of the per-call timeout and the time left, and a retry whose
delay would end past the deadline is not made -- the last failure is returned instead.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from inference.model_call import Generation, ModelCallFailed
from llmops.backoff import Backoff

MIN_ATTEMPT_S = 0.05
"""An attempt with less time than this left is not worth starting."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry.

    Attributes:
        max_attempts: Attempts in total, the first included.
        backoff: Delays between attempts.
        attempt_timeout_s: Budget of one attempt (the deadline may leave less).
    """

    max_attempts: int = 4
    backoff: Backoff = field(default_factory=lambda: Backoff(initial_s=0.1, maximum_s=2.0))
    attempt_timeout_s: float = 60.0


@dataclass(frozen=True)
class Attempts:
    """What the attempts produced: a generation, or the last failure; and how many were made."""

    generation: Generation | None
    failure: ModelCallFailed | None
    count: int


Attempt = Callable[[float], Awaitable[Generation]]
"""One call, given its budget in seconds; raises :class:`ModelCallFailed`."""


async def with_retries(
    attempt: Attempt,
    policy: RetryPolicy,
    deadline_s: float,
    clock: Callable[[], float],
    rng: random.Random | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> Attempts:
    """Run ``attempt`` until it succeeds, fails for good, or time or attempts run out.

    Args:
        attempt: The call.
        policy: Attempt count, backoff and per-attempt timeout.
        deadline_s: Absolute deadline on ``clock``.
        clock: Seconds (the same clock as ``deadline_s``).
        rng: Jitter source (injectable for tests).
        sleep: Waits between attempts (injectable for tests).
    """
    failure = ModelCallFailed("deadline passed before the model was called", 504, False)
    count = 0
    while count < policy.max_attempts:
        left = deadline_s - clock()
        if left < MIN_ATTEMPT_S:
            break
        count += 1
        try:
            return Attempts(await attempt(min(policy.attempt_timeout_s, left)), None, count)
        except ModelCallFailed as exc:
            failure = exc
        if not failure.retriable or count >= policy.max_attempts:
            break
        delay = policy.backoff.delay(count - 1, rng)
        if clock() + delay + MIN_ATTEMPT_S > deadline_s:
            break
        await sleep(delay)
    return Attempts(None, failure, count)
