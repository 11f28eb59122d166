"""Length limits: text longer than the policy allows is blocked before any other scanner runs."""

from __future__ import annotations

from guardrails.scanner import Action, ScanContext, ScanResult


class LengthLimitScanner:
    """Block texts over ``max_chars`` characters (put it first: it bounds every later scan).

    Args:
        max_chars: The longest text allowed.
        action: What an over-long text asks for (``block`` by default).
    """

    name = "length_limit"
    category = "too_long"

    def __init__(self, max_chars: int = 32_000, action: Action | None = None) -> None:
        if max_chars <= 0:
            raise ValueError("max_chars must be positive")
        self.max_chars = max_chars
        self.action = action or Action.BLOCK
        self._nothing = ScanResult(self.name, self.category, 0.0, Action.ALLOW)

    def scan(self, text: str, context: ScanContext) -> ScanResult:
        """One comparison."""
        if len(text) <= self.max_chars:
            return self._nothing
        return ScanResult(self.name, self.category, 1.0, self.action)
