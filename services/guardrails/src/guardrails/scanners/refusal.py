"""Empty output and refusals: reported (or blocked, per policy) so operators see them."""

# ruff: noqa: E501  (pattern alternations read best one language per line)

from __future__ import annotations

import re

from guardrails.scanner import Action, ScanContext, ScanResult, Span

_REFUSAL = re.compile(
    r"^\W*(?:i(?:'m| am) sorry,? (?:but )?i (?:can(?:'|no)t|cannot|am unable to|won't)|i can(?:'|no)t help with|"
    r"i cannot (?:help|assist|comply|provide)|as an ai(?: language model)?,? i (?:can(?:'|no)t|cannot|am not able)|"
    r"mi dispiace,? (?:ma )?non posso|non posso aiutarti|non posso (?:fornire|rispondere)|"
    r"lo siento,? (?:pero )?no puedo|no puedo ayudar|no puedo (?:proporcionar|responder)|"
    r"desculpe,? (?:mas )?não posso|não posso ajudar|não posso (?:fornecer|responder)|"
    r"es tut mir leid,? (?:aber )?ich kann (?:dabei )?nicht|ich kann (?:dabei|dir dabei|ihnen dabei) nicht helfen|"
    r"je suis désolée?,? (?:mais )?je ne peux pas|je ne peux pas (?:vous |t')?aider|je ne peux pas (?:fournir|répondre))",
    re.IGNORECASE,
)


class RefusalScanner:
    """Report an empty output (``empty_output``) or a refusal (``refusal``).

    Args:
        action: What a refusal asks for (``allow``: report only, by default).
        empty_action: What an empty output asks for (``block`` by default: nothing to deliver).
    """

    name = "refusal"
    category = "refusal"

    def __init__(self, action: Action | None = None, empty_action: Action = Action.BLOCK) -> None:
        self.action = action or Action.ALLOW
        self.empty_action = empty_action
        self._nothing = ScanResult(self.name, self.category, 0.0, Action.ALLOW)

    def scan(self, text: str, context: ScanContext) -> ScanResult:
        """Whitespace only is empty; a refusal opening in the first 200 characters is a refusal."""
        if not text.strip():
            return ScanResult(self.name, "empty_output", 1.0, self.empty_action)
        match = _REFUSAL.search(text, 0, 200)
        if match is None:
            return self._nothing
        return ScanResult(self.name, self.category, 0.9, self.action, (Span(*match.span(), "REFUSAL"),))
