"""A circuit breaker per model endpoint: closed, open, half-open.

*Closed*: calls pass; outcomes of the last ``window`` calls are kept. Once at least
``min_calls`` are known and the share of failures reaches ``error_rate_threshold`` -- or
the share of timeouts reaches ``timeout_rate_threshold`` (a hanging server is worse than
a failing one: each timeout holds a slot for the whole budget) -- the breaker *opens*.
*Open*: calls are refused at once for ``open_s``, so a sick server gets no traffic and
requests go to the fallback. *Half-open*: up to ``half_open_probes`` trial calls pass; if
they all succeed the breaker closes, any failure opens it again.

Only failures that say the server is unwell count (timeouts, 5xx, refused
connections, 429); a caller's invalid request does not.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum


class BreakerState(IntEnum):
    """Breaker states; the value is exported as a gauge."""

    CLOSED = 0
    HALF_OPEN = 1
    OPEN = 2


class Outcome(IntEnum):
    """How one call ended, as the breaker sees it."""

    SUCCESS = 0
    FAILURE = 1
    TIMEOUT = 2


@dataclass(frozen=True)
class BreakerPolicy:
    """Thresholds of a breaker (see the module doc)."""

    window: int = 20
    min_calls: int = 10
    error_rate_threshold: float = 0.5
    timeout_rate_threshold: float = 0.3
    open_s: float = 10.0
    half_open_probes: int = 3


class CircuitBreaker:
    """The breaker of one endpoint. Not thread-safe: use it from the event loop only.

    Args:
        policy: Thresholds.
        clock: Monotonic seconds (injectable for tests).
        on_change: Called with the new state on every transition.
    """

    def __init__(
        self,
        policy: BreakerPolicy,
        clock: Callable[[], float] = time.monotonic,
        on_change: Callable[[BreakerState], None] | None = None,
    ) -> None:
        self.policy = policy
        self._clock = clock
        self._on_change = on_change
        self._outcomes: deque[Outcome] = deque(maxlen=policy.window)
        self._state = BreakerState.CLOSED
        self._opened_at = 0.0
        self._probes_started = 0
        self._probes_passed = 0

    @property
    def state(self) -> BreakerState:
        """The current state (an open breaker turns half-open once ``open_s`` passed)."""
        if self._state is BreakerState.OPEN and self._clock() - self._opened_at >= self.policy.open_s:
            self._transition(BreakerState.HALF_OPEN)
        return self._state

    def allow(self) -> bool:
        """Whether a call may go out now; in half-open, each True is one probe."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.HALF_OPEN and self._probes_started < self.policy.half_open_probes:
            self._probes_started += 1
            return True
        return False

    def abandon(self) -> None:
        """An allowed call ended without an outcome (cancelled): give its probe back."""
        if self._state is BreakerState.HALF_OPEN and self._probes_started > self._probes_passed:
            self._probes_started -= 1

    def record(self, outcome: Outcome) -> None:
        """Record how an allowed call ended."""
        if self._state is BreakerState.HALF_OPEN:
            if outcome is not Outcome.SUCCESS:
                self._open()
            else:
                self._probes_passed += 1
                if self._probes_passed >= self.policy.half_open_probes:
                    self._transition(BreakerState.CLOSED)
            return
        if self._state is BreakerState.OPEN:
            return  # a call started before the breaker opened; the decision is made
        self._outcomes.append(outcome)
        if self._tripped():
            self._open()

    def _tripped(self) -> bool:
        calls = len(self._outcomes)
        if calls < self.policy.min_calls:
            return False
        failures = sum(1 for o in self._outcomes if o is not Outcome.SUCCESS)
        timeouts = sum(1 for o in self._outcomes if o is Outcome.TIMEOUT)
        p = self.policy
        return failures / calls >= p.error_rate_threshold or timeouts / calls >= p.timeout_rate_threshold

    def _open(self) -> None:
        self._opened_at = self._clock()
        self._transition(BreakerState.OPEN)

    def _transition(self, state: BreakerState) -> None:
        self._state = state
        self._probes_started = self._probes_passed = 0
        if state is BreakerState.CLOSED:
            self._outcomes.clear()
        if self._on_change is not None:
            self._on_change(state)
