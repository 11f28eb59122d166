"""Email addresses: found and redacted to ``[EMAIL]``."""

from __future__ import annotations

import re

from guardrails.scanner import Action, ScanResult, Span

_EMAIL = re.compile(
    r"(?<![\w.+'%-])\w[\w.%+'-]{0,63}"  # local part, not starting inside a word
    r"@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+"  # domain labels (Unicode letters allowed: IDNs)
    r"[^\W\d_]{2,24}(?![\w-])"  # top-level domain, letters only
)


class EmailScanner:
    """Find email addresses: dotted local parts, plus tags, subdomains, accented (internationalised) names."""

    name = "pii_email"

    def scan(self, text: str) -> ScanResult:
        """Return one span per address; the action is ``redact`` when any is found."""
        if "@" not in text:
            return ScanResult(self.name, "pii:email", 0.0, Action.ALLOW)
        spans = tuple(Span(m.start(), m.end(), "EMAIL") for m in _EMAIL.finditer(text))
        if not spans:
            return ScanResult(self.name, "pii:email", 0.0, Action.ALLOW)
        return ScanResult(self.name, "pii:email", 1.0, Action.REDACT, spans)
