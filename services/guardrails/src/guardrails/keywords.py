"""One Aho-Corasick pass over a text finds every keyword group the scanners care about.

Scanners register groups of lower-case stems at import (``register("toxic", [...])``);
the automaton is built once, on first use. A chain run then costs one C-level pass over
the lower-cased text, and each keyword scanner only asks "is my group present?" before
running its (slower) regular expressions. Presence is a prefilter, never a verdict.
"""

from __future__ import annotations

from collections.abc import Iterable

import ahocorasick  # type: ignore[import-not-found]  # C extension without type stubs

_GROUPS: dict[str, set[str]] = {}
_automaton: ahocorasick.Automaton | None = None


def register(group: str, stems: Iterable[str]) -> str:
    """Add lower-case ``stems`` to ``group``; returns the group name (for module constants)."""
    global _automaton  # noqa: PLW0603 - the one automaton is rebuilt lazily after a registration
    _GROUPS.setdefault(group, set()).update(s.lower() for s in stems if s)
    _automaton = None
    return group


def _build() -> ahocorasick.Automaton:
    by_stem: dict[str, set[str]] = {}
    for group, stems in _GROUPS.items():
        for stem in stems:
            by_stem.setdefault(stem, set()).add(group)
    automaton = ahocorasick.Automaton()
    for stem, groups in by_stem.items():
        automaton.add_word(stem, frozenset(groups))
    automaton.make_automaton()
    return automaton


def groups_in(lower: str) -> frozenset[str]:
    """Every registered group with at least one stem occurring in ``lower``."""
    global _automaton  # noqa: PLW0603
    if _automaton is None:
        _automaton = _build()
    found: set[str] = set()
    for _, groups in _automaton.iter(lower):
        if not groups <= found:
            found |= groups
    return frozenset(found)
