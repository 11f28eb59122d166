"""Parse ``--since`` values: an age (``90s``, ``10m``, ``1h30m``, ``7d``) or a UTC instant.

Ages are what an operator types at 3 a.m.; an ISO-8601 instant
(``2026-11-22T03:00:00Z``) is what they paste from a log line or an alert.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from llmops.errors import ConfigurationError

UNIT_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 7 * 86_400_000}
_AGE = re.compile(r"(?:\d+(?:ms|[smhdw]))+")
_PART = re.compile(r"(\d+)(ms|[smhdw])")


def parse_age_ms(text: str) -> int:
    """``"10m"`` -> 600000; parts add up (``"1h30m"``).

    Raises:
        ConfigurationError: For anything that is not a sequence of ``<number><unit>``.
    """
    compact = text.strip().lower()
    if not _AGE.fullmatch(compact):
        raise ConfigurationError(
            f"invalid age {text!r}: use a number and a unit (ms, s, m, h, d, w), e.g. 10m or 1h30m"
        )
    return sum(int(n) * UNIT_MS[unit] for n, unit in _PART.findall(compact))


def since_to_epoch_ms(text: str, now_ms: int) -> int:
    """The instant ``--since`` names, in UTC epoch milliseconds.

    Args:
        text: An age (counted back from ``now_ms``) or an ISO-8601 instant; an instant
            without a time zone is taken as UTC (the platform's timestamps all are).
        now_ms: The current time.

    Raises:
        ConfigurationError: When ``text`` is neither, or names a moment in the future.
    """
    try:
        return now_ms - parse_age_ms(text)
    except ConfigurationError as age_error:
        try:
            instant = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ConfigurationError(
                f"{age_error}; or an ISO-8601 instant such as 2026-11-22T03:00Z"
            ) from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    epoch_ms = int(instant.timestamp() * 1000)
    if epoch_ms > now_ms:
        raise ConfigurationError(f"--since {text!r} is in the future")
    return epoch_ms
