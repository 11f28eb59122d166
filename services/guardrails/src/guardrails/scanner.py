"""The scanner protocol: every guardrail returns a frozen :class:`ScanResult`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Action(StrEnum):
    """What a finding asks for, in increasing severity."""

    ALLOW = "allow"
    REDACT = "redact"
    BLOCK = "block"


SEVERITY = {Action.ALLOW: 0, Action.REDACT: 1, Action.BLOCK: 2}
"""Order of actions: the most severe finding decides."""


@dataclass(frozen=True)
class Span:
    """A matched region of the scanned text and its placeholder type (e.g. ``EMAIL``)."""

    start: int
    end: int
    kind: str


class TextView:
    """Cheap facts about one text, computed once per chain run and shared by its scanners.

    Scanners use them as prefilters ("no digits, no card"), so the common clean text costs
    a few substring checks instead of a regex pass per scanner.
    """

    __slots__ = ("_digits", "_groups", "_long_words", "_lower", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._lower: str | None = None
        self._digits = -1
        self._groups: frozenset[str] | None = None
        self._long_words: list[str] | None = None

    @property
    def long_words(self) -> list[str]:
        """Whitespace-separated words of 20 characters or more (keys, tokens, base64 blobs)."""
        if self._long_words is None:
            self._long_words = [w for w in self.text.split() if len(w) >= 20] if len(self.text) >= 20 else []
        return self._long_words

    @property
    def groups(self) -> frozenset[str]:
        """Keyword groups present in the text (see :mod:`guardrails.keywords`)."""
        if self._groups is None:
            from guardrails.keywords import groups_in

            self._groups = groups_in(self.lower)
        return self._groups

    @property
    def lower(self) -> str:
        """The text in lower case."""
        if self._lower is None:
            self._lower = self.text.lower()
        return self._lower

    @property
    def digits(self) -> int:
        """How many ASCII digits the text holds."""
        if self._digits < 0:
            text = self.text
            self._digits = sum(map(text.count, "0123456789"))
        return self._digits


@dataclass(frozen=True)
class ScanContext:
    """What a scanner may know besides the text.

    Attributes:
        stage: ``input`` (prompt) or ``output`` (completion).
        wants_json: The request asked for a JSON object (``response_format == "json_object"``).
        view: Shared facts about the text being scanned (set by the chain).
    """

    stage: str = "input"
    wants_json: bool = False
    view: TextView | None = None

    def view_of(self, text: str) -> TextView:
        """The shared view when it is of ``text``, else a fresh one (scanners used alone)."""
        view = self.view
        return view if view is not None and view.text is text else TextView(text)


@dataclass(frozen=True)
class ScanResult:
    """What one scanner found in one text.

    Attributes:
        scanner: Scanner name.
        category: Category label, e.g. ``pii:email``.
        score: Confidence in [0, 1]; 0 when nothing was found.
        action: What the finding asks for (``allow`` with a score > 0 means "report only").
        spans: Matched regions (never the matched text, which may be sensitive).
    """

    scanner: str
    category: str
    score: float
    action: Action
    spans: tuple[Span, ...] = ()

    @property
    def found(self) -> bool:
        """True when the scanner matched something (even if it only reports it)."""
        return self.score > 0.0 or self.action is not Action.ALLOW


class Scanner(Protocol):
    """One guardrail check over one (normalised) text."""

    name: str

    def scan(self, text: str, context: ScanContext) -> ScanResult:
        """Scan ``text``; must be pure and fast (it runs on the event loop)."""
