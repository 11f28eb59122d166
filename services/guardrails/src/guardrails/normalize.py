"""Text normalisation before scanning: NFKC, invisible characters, homoglyphs.

Scanners see the normalised text; redaction spans are mapped back to the original text
through :attr:`Normalized.origin`, so what is replaced is exactly what the user wrote.
ASCII text (the common case) passes through untouched at the cost of one ``isascii``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from guardrails.scanner import Span

_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069"
    "\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufeff\uffa0"
)
# Cyrillic and Greek letters that render like Latin ones (one to one, so offsets hold), and
# the dotted capital and dotless small i, which re.IGNORECASE equates with i: folded, every
# scanner (and the lower-cased text the prefilters read) sees one letter, and lower-casing
# keeps offsets (the dotted capital alone lower-cases to two characters).
_HOMOGLYPHS = str.maketrans(
    "АВСЕНІЈКМОРЅТХУаеіјорсхуѕԁһӏԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧαοιρνκτυχ\u0130\u0131",
    "ABCEHIJKMOPSTXYaeijopcxysdhlqwABEZHIKMNOPTYXaoipvktuxIi",
)


_INVISIBLE_CHAR = re.compile("[" + "".join(sorted(_INVISIBLE)) + "]")  # a scan in C, not a set per char
_LOOKALIKE_SCRIPT = re.compile("[\u0130\u0131\u0370-\u03ff\u0400-\u052f]")


@dataclass(frozen=True)
class Normalized:
    """A normalised text and where each of its characters came from.

    Attributes:
        text: The text scanners see.
        origin: ``origin[i]`` is the index in the original text of ``text[i]`` (one extra
            entry maps the end); ``None`` when offsets are unchanged.
    """

    text: str
    origin: tuple[int, ...] | None = None

    def to_original(self, spans: tuple[Span, ...], original_length: int) -> tuple[Span, ...]:
        """Map spans over :attr:`text` to spans over the original text."""
        if self.origin is None:
            return spans
        origin = self.origin
        return tuple(
            Span(origin[s.start], origin[s.end] if s.end < len(origin) else original_length, s.kind)
            for s in spans
        )


def normalize(text: str) -> Normalized:
    """Return the scanning form of ``text`` (NFKC, no invisible characters, Latin homoglyphs)."""
    if text.isascii():
        return Normalized(text)
    if unicodedata.is_normalized("NFKC", text) and not _INVISIBLE_CHAR.search(text):
        # str.translate is per character outside ASCII: only pay it when a look-alike script occurs.
        return Normalized(text.translate(_HOMOGLYPHS) if _LOOKALIKE_SCRIPT.search(text) else text)
    return _normalize_slow(text)


def _normalize_slow(text: str) -> Normalized:
    pieces: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char in _INVISIBLE:
            continue
        folded = unicodedata.normalize("NFKC", char) if not char.isascii() else char
        pieces.append(folded)
        origin.extend([index] * len(folded))
    origin.append(len(text))
    folded = "".join(pieces)
    return Normalized(
        folded.translate(_HOMOGLYPHS) if _LOOKALIKE_SCRIPT.search(folded) else folded, tuple(origin)
    )
