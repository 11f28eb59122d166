"""Retries: bounded in number, only for retriable failures, never past the deadline."""

from __future__ import annotations

import random

import pytest

from inference.model_call import Generation, ModelCallFailed
from inference.retry import MIN_ATTEMPT_S, RetryPolicy, with_retries
from llmops.backoff import Backoff

OK = Generation(text="ok", finish_reason="stop", input_tokens=1, output_tokens=1)
BUSY = ModelCallFailed("503 overloaded", 503, True)
BAD = ModelCallFailed("422 invalid", 400, False)


class Script:
    """A fake model and clock: each attempt takes ``cost_s`` and returns the next scripted outcome."""

    def __init__(self, outcomes: list[Generation | ModelCallFailed], cost_s: float = 0.1) -> None:
        self.outcomes = outcomes
        self.cost_s = cost_s
        self.now = 0.0
        self.budgets: list[float] = []
        self.starts: list[float] = []
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def attempt(self, budget_s: float) -> Generation:
        self.starts.append(self.now)
        self.budgets.append(budget_s)
        self.now += min(self.cost_s, budget_s)
        outcome = self.outcomes[min(len(self.budgets) - 1, len(self.outcomes) - 1)]
        if isinstance(outcome, ModelCallFailed):
            raise outcome
        return outcome


POLICY = RetryPolicy(max_attempts=4, backoff=Backoff(initial_s=0.1, maximum_s=1.0), attempt_timeout_s=2.0)


@pytest.mark.parametrize(
    ("outcomes", "generated", "count"),
    [
        ([OK], True, 1),
        ([BUSY, OK], True, 2),
        ([BUSY, BUSY, BUSY, OK], True, 4),
        ([BUSY] * 10, False, 4),  # bounded by max_attempts
        ([BAD, OK], False, 1),  # not retriable: the caller's request is wrong
        ([BUSY, BAD, OK], False, 2),
    ],
)
async def test_retries_are_bounded_and_only_for_retriable_failures(
    outcomes: list[Generation | ModelCallFailed], generated: bool, count: int
) -> None:
    script = Script(outcomes)
    result = await with_retries(script.attempt, POLICY, 100.0, script.clock, random.Random(1), script.sleep)
    assert (result.generation is not None, result.count) == (generated, count)
    assert len(script.sleeps) == count - 1


@pytest.mark.parametrize("seed", range(20))
async def test_backoff_is_full_jitter_below_an_exponential_ceiling(seed: int) -> None:
    script = Script([BUSY] * 10)
    await with_retries(script.attempt, POLICY, 100.0, script.clock, random.Random(seed), script.sleep)
    ceilings = [0.1, 0.2, 0.4]
    assert len(script.sleeps) == 3
    assert all(0.0 <= s <= c for s, c in zip(script.sleeps, ceilings, strict=True))


@pytest.mark.parametrize(("deadline_s", "cost_s"), [(0.35, 0.1), (1.0, 0.3), (2.5, 2.0), (0.03, 0.1)])
async def test_no_attempt_runs_past_the_deadline(deadline_s: float, cost_s: float) -> None:
    script = Script([BUSY] * 10, cost_s=cost_s)
    policy = RetryPolicy(
        max_attempts=50, backoff=Backoff(initial_s=0.05, maximum_s=0.2), attempt_timeout_s=2.0
    )

    result = await with_retries(
        script.attempt, policy, deadline_s, script.clock, random.Random(3), script.sleep
    )

    assert result.generation is None
    assert script.now <= deadline_s + 1e-9
    for start, budget in zip(script.starts, script.budgets, strict=True):
        assert start + budget <= deadline_s + 1e-9
        assert deadline_s - start >= MIN_ATTEMPT_S
    if deadline_s < MIN_ATTEMPT_S:
        assert result.count == 0
        assert result.failure is not None and result.failure.http_status == 504


async def test_attempt_budget_is_the_per_call_timeout_when_time_is_plenty() -> None:
    script = Script([OK])
    await with_retries(script.attempt, POLICY, 100.0, script.clock, random.Random(1), script.sleep)
    assert script.budgets == [2.0]
