"""Circuit breaker transitions: closed -> open -> half-open -> closed or open again."""

from __future__ import annotations

import pytest

from inference.breaker import BreakerPolicy, BreakerState, CircuitBreaker, Outcome

S, F, T = Outcome.SUCCESS, Outcome.FAILURE, Outcome.TIMEOUT
POLICY = BreakerPolicy(
    window=10,
    min_calls=4,
    error_rate_threshold=0.5,
    timeout_rate_threshold=0.3,
    open_s=5.0,
    half_open_probes=2,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _breaker() -> tuple[CircuitBreaker, FakeClock, list[BreakerState]]:
    clock, changes = FakeClock(), list[BreakerState]()
    return CircuitBreaker(POLICY, clock, changes.append), clock, changes


@pytest.mark.parametrize(
    ("outcomes", "state"),
    [
        ([F, F, F], BreakerState.CLOSED),  # fewer than min_calls: no verdict yet
        ([S, F, S, F], BreakerState.OPEN),  # 50% errors
        ([S, S, S, F], BreakerState.CLOSED),  # 25% errors
        ([S, S, T, S, S, S, T, S, S, T], BreakerState.OPEN),  # 30% timeouts, under the error rate
        ([S, S, S, S, S, S, S, S, S, T], BreakerState.CLOSED),  # 10% timeouts
        ([F] + [S] * 9 + [F] * 4, BreakerState.CLOSED),  # the first failure slid out of the window
    ],
)
def test_closed_breaker_opens_on_error_or_timeout_rate(outcomes: list[Outcome], state: BreakerState) -> None:
    breaker, _clock, _changes = _breaker()
    for outcome in outcomes:
        if breaker.state is BreakerState.CLOSED:
            assert breaker.allow()
            breaker.record(outcome)
    assert breaker.state is state


def test_open_refuses_then_half_opens_after_the_open_period() -> None:
    breaker, clock, changes = _breaker()
    for outcome in (F, F, F, F):
        breaker.record(outcome)
    assert not breaker.allow()
    clock.now += POLICY.open_s - 0.01
    assert not breaker.allow()
    clock.now += 0.02
    assert breaker.state is BreakerState.HALF_OPEN
    assert [breaker.allow() for _ in range(3)] == [True, True, False]  # two probes only
    assert changes == [BreakerState.OPEN, BreakerState.HALF_OPEN]


@pytest.mark.parametrize(
    ("probe_outcomes", "state"),
    [([S, S], BreakerState.CLOSED), ([S, F], BreakerState.OPEN), ([T], BreakerState.OPEN)],
)
def test_half_open_probes_decide(probe_outcomes: list[Outcome], state: BreakerState) -> None:
    breaker, clock, _changes = _breaker()
    for outcome in (T, T, T, T):
        breaker.record(outcome)
    clock.now += POLICY.open_s
    for outcome in probe_outcomes:
        assert breaker.allow()
        breaker.record(outcome)
    assert breaker.state is state


def test_closing_forgets_the_old_failures() -> None:
    breaker, clock, _changes = _breaker()
    for outcome in (F, F, F, F):
        breaker.record(outcome)
    clock.now += POLICY.open_s
    for _ in range(2):
        breaker.allow()
        breaker.record(S)
    breaker.record(F)
    assert breaker.state is BreakerState.CLOSED


def test_abandoned_probe_is_given_back() -> None:
    breaker, clock, _changes = _breaker()
    for outcome in (F, F, F, F):
        breaker.record(outcome)
    clock.now += POLICY.open_s
    assert breaker.allow() and breaker.allow()
    assert not breaker.allow()
    breaker.abandon()
    assert breaker.allow()
