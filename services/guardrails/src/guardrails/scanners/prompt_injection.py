"""Prompt injection and jailbreaks: override, role-play, extraction, hidden and encoded instructions."""

from __future__ import annotations

import base64
import binascii

from guardrails.anchored import AnchoredPattern
from guardrails.scanner import Action, ScanContext, ScanResult, Span
from guardrails.scanners import injection_gates as gates
from guardrails.scanners import injection_patterns as cues

# (kind, keyword gate, pattern, score): the pattern runs only when its gate passes, and
# then only where one of its literal beginnings occurs (see guardrails.anchored).
_CUES = (
    ("override", gates.override_possible, AnchoredPattern(cues.OVERRIDE), 0.95),
    ("roleplay", gates.roleplay_possible, AnchoredPattern(cues.ROLEPLAY), 0.9),
    ("extraction", gates.extraction_possible, AnchoredPattern(cues.EXTRACTION), 0.9),
    ("hidden", gates.hidden_possible, AnchoredPattern(cues.HIDDEN), 0.85),
)


def _decoded_base64(text: str, long_words: list[str]) -> list[tuple[int, int, str]]:
    """Base64 blobs of 20+ characters (inside the long words) that decode to readable UTF-8 text."""
    decoded = []
    for word in long_words:
        start = text.find(word)
        match = cues.BASE64.search(text, start, start + len(word))
        if match is None:
            continue
        blob = match.group()
        try:
            plain = base64.b64decode(blob + "=" * (-len(blob) % 4), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            continue
        if plain.isprintable() or all(c.isprintable() or c.isspace() for c in plain):
            decoded.append((match.start(), match.end(), plain))
    return decoded


class PromptInjectionScanner:
    """Block text that tries to override, escape or extract the model's instructions.

    Args:
        action: What a finding asks for (``block`` by default).
        decode_base64: Also scan readable text hidden in base64 blobs.
    """

    name = "prompt_injection"
    category = "prompt_injection"

    def __init__(self, action: Action | None = None, decode_base64: bool = True) -> None:
        self.action = action or Action.BLOCK
        self.decode_base64 = decode_base64
        self._nothing = ScanResult(self.name, self.category, 0.0, Action.ALLOW)

    def scan(self, text: str, context: ScanContext) -> ScanResult:
        """The strongest cue found gives the score; spans mark each cue."""
        spans: list[Span] = []
        score = 0.0
        view = context.view_of(text)
        groups = view.groups
        for kind, possible, pattern, weight in _CUES:
            if not possible(groups):
                continue
            for match in pattern.finditer(text, view.lower):
                spans.append(Span(match.start(), match.end(), kind.upper()))
                score = max(score, weight)
        if self.decode_base64 and view.long_words:
            for start, end, plain in _decoded_base64(text, view.long_words):
                if any(pattern.search(plain) for _, _, pattern, _ in _CUES):  # short: no gates
                    spans.append(Span(start, end, "ENCODED"))
                    score = max(score, 0.95)
        if not spans:
            return self._nothing
        return ScanResult(self.name, self.category, score, self.action, tuple(spans))
