"""Exponential backoff with full jitter (AWS architecture blog's recommended form)."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    """Delays for retry attempts: ``uniform(0, min(maximum, initial * multiplier**attempt))``.

    Full jitter spreads the retries of many clients that failed together, so a
    recovering server is not hit by synchronised waves.

    Attributes:
        initial_s: Upper bound of the first delay.
        maximum_s: Cap on any delay.
        multiplier: Growth per attempt.
    """

    initial_s: float = 0.1
    maximum_s: float = 10.0
    multiplier: float = 2.0

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Return the delay before retry number ``attempt`` (0-based)."""
        exponent = min(max(0, attempt), 64)  # past 2**64 * initial every delay is capped anyway
        ceiling = min(self.maximum_s, self.initial_s * self.multiplier**exponent)
        return (rng or random).uniform(0.0, ceiling)
