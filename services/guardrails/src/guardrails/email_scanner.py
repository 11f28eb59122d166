"""Email addresses: found and redacted to ``[EMAIL]``."""

from __future__ import annotations

import re

from guardrails.scanner import Action, ScanResult, Span

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,63})@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}\b"
)


class EmailScanner:
    """Find email addresses (RFC 5322's common subset: dotted local parts, plus tags, subdomains)."""

    name = "pii_email"

    def scan(self, text: str) -> ScanResult:
        """Return one span per address; the action is ``redact`` when any is found."""
        if "@" not in text:
            return ScanResult(self.name, "pii:email", 0.0, Action.ALLOW)
        spans = tuple(Span(m.start(), m.end(), "EMAIL") for m in _EMAIL.finditer(text))
        if not spans:
            return ScanResult(self.name, "pii:email", 0.0, Action.ALLOW)
        return ScanResult(self.name, "pii:email", 1.0, Action.REDACT, spans)
