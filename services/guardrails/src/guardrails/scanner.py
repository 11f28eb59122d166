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


@dataclass(frozen=True)
class ScanContext:
    """What a scanner may know besides the text.

    Attributes:
        stage: ``input`` (prompt) or ``output`` (completion).
        wants_json: The request asked for a JSON object (``response_format == "json_object"``).
    """

    stage: str = "input"
    wants_json: bool = False


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
