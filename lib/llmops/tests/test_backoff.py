"""Backoff: full-jitter delays stay under the exponential ceiling and are reproducible with a seed."""

from __future__ import annotations

import random

import pytest

from llmops.backoff import Backoff

SAMPLES = 400


@pytest.mark.parametrize(
    ("backoff", "attempt", "ceiling"),
    [
        (Backoff(initial_s=0.1, maximum_s=10.0, multiplier=2.0), 0, 0.1),
        (Backoff(initial_s=0.1, maximum_s=10.0, multiplier=2.0), 1, 0.2),
        (Backoff(initial_s=0.1, maximum_s=10.0, multiplier=2.0), 5, 3.2),
        (Backoff(initial_s=0.1, maximum_s=10.0, multiplier=2.0), 7, 10.0),  # 12.8 capped
        (Backoff(initial_s=0.1, maximum_s=10.0, multiplier=2.0), 60, 10.0),
        (Backoff(initial_s=0.5, maximum_s=2.0, multiplier=3.0), 1, 1.5),
        (Backoff(initial_s=0.5, maximum_s=2.0, multiplier=3.0), 2, 2.0),  # 4.5 capped
        (Backoff(initial_s=1.0, maximum_s=5.0, multiplier=1.0), 30, 1.0),
        (Backoff(initial_s=0.1, maximum_s=10.0, multiplier=2.0), -3, 0.1),  # treated as attempt 0
    ],
)
def test_delay_within_zero_and_ceiling(backoff: Backoff, attempt: int, ceiling: float) -> None:
    rng = random.Random(1234)
    delays = [backoff.delay(attempt, rng) for _ in range(SAMPLES)]
    assert all(0.0 <= d <= ceiling for d in delays), (min(delays), max(delays), ceiling)
    # Full jitter spreads over the whole range: both ends are approached.
    assert max(delays) > 0.9 * ceiling
    assert min(delays) < 0.1 * ceiling


def test_same_seed_gives_the_same_delays() -> None:
    backoff = Backoff()
    first = [backoff.delay(n, random.Random(42)) for n in range(10)]
    second = [backoff.delay(n, random.Random(42)) for n in range(10)]
    other_seed = [backoff.delay(n, random.Random(43)) for n in range(10)]
    assert first == second
    assert first != other_seed


def test_sequence_from_one_seeded_rng_is_reproducible() -> None:
    backoff = Backoff(initial_s=0.01, maximum_s=1.0)
    rng_a, rng_b = random.Random(7), random.Random(7)
    assert [backoff.delay(n, rng_a) for n in range(20)] == [backoff.delay(n, rng_b) for n in range(20)]


def test_default_rng_is_the_random_module() -> None:
    backoff = Backoff()
    random.seed(99)
    first = backoff.delay(3)
    random.seed(99)
    assert backoff.delay(3) == first == backoff.delay(3, random.Random(99))


@pytest.mark.parametrize("attempt", [1_100, 100_000])
def test_delay_of_a_very_late_attempt_is_capped(attempt: int) -> None:
    backoff = Backoff(initial_s=0.2, maximum_s=15.0)
    assert 0.0 <= backoff.delay(attempt, random.Random(1)) <= 15.0
