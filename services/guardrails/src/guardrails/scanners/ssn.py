"""US Social Security numbers in the valid ranges (area 001-899 except 666, group 01-99, serial 0001-9999)."""

from __future__ import annotations

import re

from guardrails.scanner import TextView
from guardrails.scanners.base import SpanScanner
from guardrails.scanners.context_words import PHONE_WORDS, SSN_WORDS

_DASHED = re.compile(r"\d(?<![\w-]\d)\d\d(?<!000|666|9\d\d)([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\w-])")
_BARE = re.compile(r"\d(?<![\w-]\d)\d\d(?<!000|666|9\d\d)(?!00)\d{2}(?!0000)\d{4}(?![\w-])")


class SsnScanner(SpanScanner):
    """Find SSNs written 123-45-6789 or 123 45 6789; nine bare digits only next to an SSN word."""

    name = "pii_ssn"
    category = "pii:ssn"
    kind = "SSN"

    def find(self, text: str, view: TextView) -> list[tuple[int, int]]:
        """Valid-range SSNs; dashed forms need no context, bare ones do."""
        if view.digits < 9:
            return []
        found = [m.span() for m in _DASHED.finditer(text) if not _phone_context(text, m.start())]
        for match in _BARE.finditer(text):
            if SSN_WORDS.search(text, max(0, match.start() - 40), match.start()):
                found.append(match.span())
        return found


def _phone_context(text: str, start: int) -> bool:
    """A phone word just before (and no SSN word): "Telefono 347-12-3456" is a phone number."""
    window = max(0, start - 40)
    return bool(PHONE_WORDS.search(text, window, start)) and not SSN_WORDS.search(text, window, start)
