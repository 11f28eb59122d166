"""Phone numbers: international (+CC or 00CC) and the national formats of US/UK, IT, ES, PT, DE, FR.

A number needs a phone shape: a country prefix, a trunk prefix and separators in phone
groupings, or a phone word nearby in one of the six languages. Bare digit runs (order
ids, amounts, dates, version strings) without any of these are left alone.
"""

from __future__ import annotations

import re

from guardrails.scanner import TextView
from guardrails.scanners.base import SpanScanner
from guardrails.scanners.context_words import PHONE_WORDS, SSN_WORDS

_CANDIDATE = re.compile(r"[+(\d](?<![\w+.,/:-][+(\d])[\d ().\-/]{5,22}\d(?![\w/]|[.,:-]\d)")
# Country code -> national significant number lengths (ITU-T E.164 plans).
_COUNTRY_LENGTHS = {
    "1": (10,), "44": (9, 10), "39": (6, 7, 8, 9, 10, 11), "34": (9,), "351": (9,),
    "49": (6, 7, 8, 9, 10, 11, 12, 13), "41": (9,), "43": (7, 8, 9, 10, 11, 12, 13), "32": (8, 9),
    "33": (9,), "352": (6, 7, 8, 9, 10, 11), "52": (10,), "55": (10, 11), "54": (10,),
}  # fmt: skip
_NATIONAL = re.compile(
    r"(?:[2-9]\d{2}[2-9]\d{6}"  # NANP
    r"|[1-9]{2}9\d{8}|[1-9]{2}[2-5]\d{7}"  # BR mobile / landline with area code
    r"|3\d{8,9}|0\d{5,10}"  # IT mobile / landline
    r"|[6-9]\d{8}"  # ES
    r"|[29]\d{8}"  # PT
    r"|0[1-9]\d{5,11}"  # DE, FR, UK trunk prefix
    r")"
)
_LOOKBEHIND = 40
# 555-123-4567 breaks the NANP exchange rule but is how people write (example) numbers:
# accept it in exactly this shape.
_NANP_SHAPE = re.compile(r"\(?[2-9]\d{2}\)?[ .-]?\d{3}[ .-]\d{4}")
_DOTTED_QUAD = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")  # an IPv4 address, not a phone


class PhoneScanner(SpanScanner):
    """Find phone numbers by shape, country numbering plan and nearby phone words."""

    name = "pii_phone"
    category = "pii:phone"
    kind = "PHONE"

    def find(self, text: str, view: TextView) -> list[tuple[int, int]]:
        """Candidates that fit a numbering plan and carry a phone shape or context."""
        found: list[tuple[int, int]] = []
        if view.digits < 7:
            return found
        for match in _CANDIDATE.finditer(text):
            raw = match.group()
            digits = "".join(c for c in raw if c.isdigit())
            if len(digits) < 7 or len(digits) > 15 or _looks_like_date(raw) or _DOTTED_QUAD.fullmatch(raw):
                continue
            if raw[0] == "+" or raw.startswith("00"):
                ok = _international(digits[2:] if raw.startswith("00") else digits)
            else:
                window = max(0, match.start() - _LOOKBEHIND)
                if SSN_WORDS.search(text, window, match.start()):
                    continue  # an SSN written with spaces, not a phone number
                context = PHONE_WORDS.search(text, window, match.start())
                ok = bool(_NATIONAL.fullmatch(digits)) and (_phone_grouping(raw) or context is not None)
                ok = ok or bool(_NANP_SHAPE.fullmatch(raw))
            if ok:
                found.append(match.span())
        return found


def _international(digits: str) -> bool:
    for cc_len in (1, 2, 3):
        lengths = _COUNTRY_LENGTHS.get(digits[:cc_len])
        if lengths is not None:
            return len(digits) - cc_len in lengths
    return 8 <= len(digits) <= 15


def _phone_grouping(raw: str) -> bool:
    """Separators in phone groupings: (555) 123-4567, 06 12 34 56 78, 347 123 4567, 030/1234567."""
    groups = re.split(r"[ ().\-/]+", raw.strip("()"))
    return len(groups) >= 2 and all(1 <= len(g) <= 5 for g in groups if g) and raw[0] in "0(123456789"


def _looks_like_date(raw: str) -> bool:
    return bool(re.fullmatch(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}", raw))
