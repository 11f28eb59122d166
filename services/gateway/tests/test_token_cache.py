"""VerifiedTokens: what a verified token maps to, and for how long (a fake wall clock)."""

from __future__ import annotations

import pytest

from gateway.auth import Principal
from gateway.token_cache import VerifiedTokens

ALICE = Principal("acme", "alice", frozenset({"chat"}))
BOB = Principal("globex", "bob", frozenset())


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("case", "exp_in", "elapsed", "hit"),
    [
        ("fresh", 600.0, 0.0, True),
        ("within-max-age", 600.0, 59.9, True),
        ("max-age-reached", 600.0, 60.0, False),
        ("token-expires-first", 10.0, 10.0, False),
        ("just-before-exp", 10.0, 9.9, True),
        ("already-expired-when-put", -1.0, 0.0, False),
    ],
)
def test_an_entry_lives_until_the_earlier_of_exp_and_max_age(
    case: str, exp_in: float, elapsed: float, hit: bool
) -> None:
    clock = Clock()
    cache = VerifiedTokens(max_entries=10, max_age_s=60.0, clock=clock)
    cache.put("t1", ALICE, clock.now + exp_in)
    clock.now += elapsed
    assert (cache.get("t1") == ALICE) is hit


@pytest.mark.parametrize(("case", "exp"), [("string", "1999999999"), ("none", None), ("list", [1])])
def test_a_non_numeric_exp_is_not_cached(case: str, exp: object) -> None:
    cache = VerifiedTokens(clock=Clock())
    cache.put("t1", ALICE, exp)
    assert cache.get("t1") is None


def test_the_least_recently_used_token_is_evicted_first() -> None:
    clock = Clock()
    cache = VerifiedTokens(max_entries=2, clock=clock)
    cache.put("a", ALICE, clock.now + 600)
    cache.put("b", BOB, clock.now + 600)
    assert cache.get("a") == ALICE  # "a" is now the most recent
    cache.put("c", BOB, clock.now + 600)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (ALICE, None, BOB)
    assert len(cache) == 2


def test_size_zero_disables_the_cache_and_clear_forgets_everything() -> None:
    clock = Clock()
    disabled = VerifiedTokens(max_entries=0, clock=clock)
    disabled.put("a", ALICE, clock.now + 600)
    assert disabled.get("a") is None
    cache = VerifiedTokens(clock=clock)
    cache.put("a", ALICE, clock.now + 600)
    cache.clear()
    assert cache.get("a") is None
