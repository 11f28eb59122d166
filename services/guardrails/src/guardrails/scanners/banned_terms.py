"""Banned topics and competitor names from the policy, matched as whole words, case-insensitively."""

from __future__ import annotations

import re

from guardrails.scanner import Action, ScanContext, ScanResult, Span


class BannedTermsScanner:
    """Flag any configured term (a competitor, a topic keyword or phrase).

    Args:
        terms: Words or phrases; matched on word boundaries, any case, any spacing.
        category: Category reported (``banned_topic`` or ``competitor``, say).
        action: What a finding asks for (``block`` by default).
    """

    name = "banned_terms"

    def __init__(
        self, terms: list[str], category: str = "banned_topic", action: Action | None = None
    ) -> None:
        self.category = category
        self.action = action or Action.BLOCK
        cleaned = sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True)
        alternatives = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in cleaned)
        self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE) if cleaned else None
        self._nothing = ScanResult(self.name, self.category, 0.0, Action.ALLOW)

    def scan(self, text: str, context: ScanContext) -> ScanResult:
        """One span per occurrence of a term."""
        if self._pattern is None:
            return self._nothing
        spans = tuple(Span(m.start(), m.end(), self.category.upper()) for m in self._pattern.finditer(text))
        if not spans:
            return self._nothing
        return ScanResult(self.name, self.category, 1.0, self.action, spans)
