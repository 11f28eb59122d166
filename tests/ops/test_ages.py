from __future__ import annotations

import pytest

from llmops.errors import ConfigurationError
from llmops.ops.ages import parse_age_ms, since_to_epoch_ms

NOW = 1_795_000_000_000  # 2026-11-18T11:06:40Z
MIDNIGHT_18 = 1_794_960_000_000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", 90_000),
        ("10m", 600_000),
        ("1h", 3_600_000),
        ("1h30m", 5_400_000),
        ("7d", 604_800_000),
        ("2w", 1_209_600_000),
        ("250ms", 250),
        (" 5M ", 300_000),
        ("0s", 0),
    ],
)
def test_ages(text: str, expected: int) -> None:
    assert parse_age_ms(text) == expected


@pytest.mark.parametrize("text", ["", "10", "m10", "10 minutes", "-5m", "1.5h", "10x", "h1"])
def test_invalid_ages_are_refused_with_a_hint(text: str) -> None:
    with pytest.raises(ConfigurationError, match="use a number and a unit"):
        parse_age_ms(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10m", NOW - 600_000),
        ("2026-11-18T00:00:00Z", MIDNIGHT_18),
        ("2026-11-17T00:00:00", MIDNIGHT_18 - 86_400_000),  # no zone: UTC
        ("2026-11-17T01:00:00+01:00", MIDNIGHT_18 - 86_400_000),
    ],
)
def test_since_is_an_age_or_an_instant(text: str, expected: int) -> None:
    assert since_to_epoch_ms(text, NOW) == expected


@pytest.mark.parametrize(("text", "message"), [("yesterday", "ISO-8601"), ("2099-01-01T00:00Z", "future")])
def test_bad_since(text: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        since_to_epoch_ms(text, NOW)
