"""IBANs: country code, check digits, national length per country, validated by mod-97."""

from __future__ import annotations

import re

from guardrails.scanner import TextView
from guardrails.scanners.base import SpanScanner

# Lengths from the SWIFT IBAN registry (the countries of our users and their neighbours
# first; any other two-letter country with 15-34 characters is accepted when mod-97 holds).
IBAN_LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "BR": 29, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26,
    "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28,
    "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "VA": 22,
}  # fmt: skip
# Digit first (check digits), the country letters checked behind: the engine skips letters fast.
_CANDIDATE = re.compile(
    r"\d\d(?<=[A-Za-z]{2}\d\d)(?<![A-Za-z0-9][A-Za-z]{2}\d\d)(?:[ -]?[A-Za-z0-9]{1,4}){3,8}(?![A-Za-z0-9])"
)


def iban_valid(compact: str) -> bool:
    """True when ``compact`` (no spaces, upper case) has its country's length and passes mod-97."""
    expected = IBAN_LENGTHS.get(compact[:2])
    if expected is not None and len(compact) != expected:
        return False
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(char, 36)) for char in rearranged)
    return int(number) % 97 == 1


class IbanScanner(SpanScanner):
    """Find IBANs written compact, in groups of four, or with dashes."""

    name = "pii_iban"
    category = "pii:iban"
    kind = "IBAN"

    def find(self, text: str, view: TextView) -> list[tuple[int, int]]:
        """Candidates that validate; the longest valid prefix of a candidate wins."""
        found: list[tuple[int, int]] = []
        if view.digits < 8:
            return found
        for match in _CANDIDATE.finditer(text):
            start = match.start() - 2
            raw = text[start : match.end()]
            compact = raw.replace(" ", "").replace("-", "").upper()
            for cut in range(len(compact), 14, -1):
                if iban_valid(compact[:cut]):
                    found.append((start, start + _raw_length(raw, cut)))
                    break
        return found


def _raw_length(raw: str, compact_chars: int) -> int:
    """Length of the prefix of ``raw`` that holds ``compact_chars`` non-separator characters."""
    seen = 0
    for index, char in enumerate(raw):
        if char not in " -":
            seen += 1
            if seen == compact_chars:
                return index + 1
    return len(raw)
