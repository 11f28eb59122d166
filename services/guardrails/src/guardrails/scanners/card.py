"""Payment card numbers: 13-19 digits in the usual groupings, a known issuer prefix, Luhn-valid."""

from __future__ import annotations

import re

from guardrails.scanner import TextView
from guardrails.scanners.base import SpanScanner

# Digit first (so the regex engine skips to digits fast), then "not inside a longer token".
_CANDIDATE = re.compile(r"\d(?<![\w.,/-]\d)(?:[ -]?\d){12,18}(?![\w/-]|[.,]\d)")
_ISSUER = re.compile(r"4|5[1-5]|2(?:2[2-9]|[3-6]\d|7[01]|720)|3[47]|3(?:0[0-5]|[689])|6(?:011|5|4[4-9]|2)|35")


def luhn_valid(digits: str) -> bool:
    """True when ``digits`` (only digits) passes the Luhn checksum."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


class CardScanner(SpanScanner):
    """Find card numbers; numbers failing Luhn or with no issuer prefix are left alone."""

    name = "pii_card"
    category = "pii:card"
    kind = "CARD"

    def find(self, text: str, view: TextView) -> list[tuple[int, int]]:
        """Candidates of 13-19 digits (spaces or dashes allowed) that validate."""
        found: list[tuple[int, int]] = []
        if view.digits < 13:
            return found
        for match in _CANDIDATE.finditer(text):
            digits = match.group().replace(" ", "").replace("-", "")
            if 13 <= len(digits) <= 19 and _ISSUER.match(digits) and luhn_valid(digits):
                found.append(match.span())
        return found
