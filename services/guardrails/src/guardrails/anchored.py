r"""Regular expressions tried only where one of their literal beginnings occurs.

Python's ``re`` tries a pattern at every position of the text unless the pattern starts
with a literal it can search for. Case-insensitive word alternations behind ``\b``
(``\b(?:ignore|disregard|...)``) get no such help: each costs about half a microsecond
per character, a millisecond on a 2,000-character text. :class:`AnchoredPattern` reads
from the pattern itself every literal string a match must begin with (its *anchors*),
finds where they occur with one Aho-Corasick pass over the lower-cased text, and calls
``pattern.match`` only there.

The anchors are derived, not listed by hand, so they cannot drift from the pattern: a
match starts with one of them by construction (zero-width assertions are skipped, optional
parts branch, anything that is not a short literal ends the anchor). Lower-casing is
sound for case-insensitive patterns once the three letters that ``re`` equates with
``i`` and ``s`` without sharing their lower case (capital I with a dot, dotless i, long s) are folded
(normalisation does it; :meth:`AnchoredPattern.finditer` checks). The matches are then
exactly those of ``pattern.finditer`` (tests compare the two on the labelled set and
variants of it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from re import _constants as sre  # type: ignore[attr-defined]  # the parser's opcodes
from re import _parser as sre_parse  # type: ignore[attr-defined]  # no public parse tree
from typing import Any

import ahocorasick  # type: ignore[import-not-found]  # C extension without type stubs

_MAX_ANCHOR = 8  # characters: long enough to be selective, short enough to keep the set small
_MAX_ANCHORS = 20_000
_DOTLESS_I, _LONG_S = "\u0131", "\u017f"
_SMALL_SET = 6  # character classes up to this size branch ([pousr]); larger ones end the anchor

Starts = frozenset[tuple[str, bool]]
"""(prefix, open) pairs: every match begins with a prefix; open means the match *is* the prefix so far."""


class UnanchoredPatternError(ValueError):
    """A pattern can match without starting with a literal (so it cannot be anchored)."""


def anchors_of(pattern: re.Pattern[str]) -> frozenset[str]:
    """Every lower-case literal a match of ``pattern`` must begin with.

    Raises:
        UnanchoredPatternError: Some match can begin with a character class or wildcard.
    """
    starts = _sequence(sre_parse.parse(pattern.pattern, pattern.flags))
    prefixes = {prefix for prefix, _ in starts}
    if "" in prefixes:
        raise UnanchoredPatternError(f"a match of {pattern.pattern[:60]!r}... can start without a literal")
    # "act as" already covers "act as a": keep only the shortest of nested anchors
    return frozenset(p for p in prefixes if not any(p[:n] in prefixes for n in range(1, len(p))))


def _sequence(items: Any) -> Starts:
    results: Starts = frozenset({("", True)})
    for op, av in items:
        if not any(is_open for _, is_open in results):
            break
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue  # zero width: the match still begins at the same character
        item = _item(op, av)
        closed = {start for start in results if not start[1]}
        grown = {
            (prefix + more, more_open and len(prefix + more) < _MAX_ANCHOR)
            for prefix, is_open in results
            if is_open
            for more, more_open in (item if item is not None else (("", False),))
        }
        results = frozenset(closed | {(prefix[:_MAX_ANCHOR], is_open) for prefix, is_open in grown})
        if len(results) > _MAX_ANCHORS:
            raise UnanchoredPatternError("too many literal beginnings to anchor")
    return results


def _item(op: Any, av: Any) -> Starts | None:
    """How one parsed item can begin; None when not with a short literal."""
    if op is sre.LITERAL:
        starts: Starts | None = frozenset({(chr(av).lower(), True)})
    elif op is sre.IN:
        small = len(av) <= _SMALL_SET and all(kind is sre.LITERAL for kind, _ in av)
        starts = frozenset((chr(code).lower(), True) for _, code in av) if small else None
    elif op is sre.SUBPATTERN:
        starts = _sequence(av[-1])
    elif op is sre.ATOMIC_GROUP:
        starts = _sequence(av)
    elif op is sre.BRANCH:
        starts = frozenset().union(*(_sequence(branch) for branch in av[1]))
    elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        starts = _repeat(*av)
    else:
        starts = None
    return starts


def _repeat(low: int, high: int, body: Any) -> Starts:
    if high == 0:
        return frozenset({("", True)})
    required = _sequence(list(body) * max(1, min(low, _MAX_ANCHOR)))  # "#{2,}" begins with "##"
    if low == high:
        return required
    if high == 1:  # optional: either nothing or exactly the body, so it may go on
        return required | {("", True)}
    closed = frozenset((prefix, False) for prefix, _ in required)
    return closed | {("", True)} if low == 0 else closed


class AnchoredPattern:
    """A compiled pattern searched only where one of its anchors occurs.

    Args:
        pattern: The compiled pattern; it must begin with a literal (see :func:`anchors_of`).

    Raises:
        UnanchoredPatternError: When it does not.
    """

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.anchors = anchors_of(pattern)
        self._automaton = ahocorasick.Automaton()
        for anchor in self.anchors:
            self._automaton.add_word(anchor, len(anchor))
        self._automaton.make_automaton()

    def finditer(self, text: str, lower: str | None = None) -> Iterator[re.Match[str]]:
        """The matches ``pattern.finditer(text)`` yields, found from the anchors.

        Args:
            text: The text to search.
            lower: ``text.lower()`` when the caller has it already.
        """
        lower = text.lower() if lower is None else lower
        if len(lower) != len(text):  # lower-casing moved offsets (an İ: text not normalised)
            yield from self.pattern.finditer(text)
            return
        if not lower.isascii() and (_DOTLESS_I in lower or _LONG_S in lower):
            lower = lower.replace(_DOTLESS_I, "i").replace(_LONG_S, "s")  # as re.IGNORECASE reads them
        starts = sorted({end - length + 1 for end, length in self._automaton.iter(lower)})
        resume = 0
        match_at = self.pattern.match
        for start in starts:
            if start < resume:
                continue
            match = match_at(text, start)
            if match is not None:
                resume = match.end()
                yield match

    def search(self, text: str, lower: str | None = None) -> re.Match[str] | None:
        """The first match, as ``pattern.search(text)`` would return it."""
        return next(self.finditer(text, lower), None)
