"""Shared shape of the pattern scanners: a name, a category, a configured action."""

from __future__ import annotations

from guardrails.scanner import Action, ScanContext, ScanResult, Span, TextView


class SpanScanner:
    """A scanner that reports spans of one kind; subclasses implement :meth:`find`.

    Args:
        action: What a finding asks for (``redact`` for personal data by default).
    """

    name = "span"
    category = "span"
    kind = "SPAN"
    default_action = Action.REDACT

    def __init__(self, action: Action | None = None) -> None:
        self.action = action or self.default_action
        self._nothing = ScanResult(self.name, self.category, 0.0, Action.ALLOW)

    def find(self, text: str, view: TextView) -> list[tuple[int, int]]:
        """Return ``(start, end)`` of each match in ``text`` (``view`` holds its shared facts)."""
        raise NotImplementedError

    def scan(self, text: str, context: ScanContext) -> ScanResult:
        """One span per match; ``allow`` with score 0 when nothing matched."""
        found = self.find(text, context.view_of(text))
        if not found:
            return self._nothing
        spans = tuple(Span(start, end, self.kind) for start, end in found)
        return ScanResult(self.name, self.category, 1.0, self.action, spans)
