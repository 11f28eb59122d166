"""Toxicity and abuse: a multilingual lexicon matched on word boundaries after de-obfuscation.

Obfuscation handled: upper/lower case, leetspeak (``1d10t``, ``$h1t``), symbols standing
for vowels (``f*ck``, ``sh!t``), letters repeated (``fuuuck``) and letters spaced or
dotted apart (``f u c k``, ``i.d.i.o.t``). Word boundaries keep "Scunthorpe", "classic"
and "therapist" clean.
"""

from __future__ import annotations

import re

from guardrails.scanner import Action, ScanContext, ScanResult, Span
from guardrails.scanners.toxic_lexicon import PHRASES, WORDS

_LEET = str.maketrans("013457@$!|", "oieastasil")
_SPACED = re.compile(r"\b(?:[^\W\d_][ .\-_*]){2,}[^\W\d_]\b")
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")
_MASKED = re.compile(r"(?<=[^\W\d_])[*#%]+(?=[^\W\d_])")


def _stem_pattern(entry: str) -> str:
    stem = entry.rstrip("*")
    body = re.escape(stem).replace("_", r"\s+")
    return body + (r"\w*" if entry.endswith("*") else "")


_ENTRIES = sorted(set(WORDS.split()), key=len, reverse=True)
_LEXICON = re.compile(r"\b(?:" + "|".join(_stem_pattern(e) for e in _ENTRIES) + r")\b", re.IGNORECASE)
_PHRASE = re.compile(r"\b(?:" + "|".join(p for p in PHRASES.strip().split("\n")) + r")\b", re.IGNORECASE)


def deobfuscate(text: str) -> str:
    """Lower-case ``text`` and undo common obfuscations (length may change; used for detection only)."""
    lowered = text.lower()
    if any(c in lowered for c in "013457@$!|*#%"):
        lowered = _MASKED.sub("u", lowered.translate(_LEET))
    lowered = _SPACED.sub(lambda m: re.sub(r"[ .\-_*]", "", m.group()), lowered)
    return _REPEATS.sub(r"\1", lowered)


class ToxicityScanner:
    """Block abusive text: insults, slurs, threats, in six languages.

    Args:
        action: What a finding asks for (``block`` by default).
    """

    name = "toxicity"
    category = "toxic"

    def __init__(self, action: Action | None = None) -> None:
        self.action = action or Action.BLOCK
        self._nothing = ScanResult(self.name, self.category, 0.0, Action.ALLOW)

    def scan(self, text: str, context: ScanContext) -> ScanResult:
        """Phrases score 0.95, single lexicon words 0.9; spans refer to the de-obfuscated text."""
        plain = deobfuscate(text)
        hits = [Span(m.start(), m.end(), "TOXIC") for m in _PHRASE.finditer(plain)]
        score = 0.95 if hits else 0.0
        for match in _LEXICON.finditer(plain):
            hits.append(Span(match.start(), match.end(), "TOXIC"))
            score = max(score, 0.9)
        if not hits:
            return self._nothing
        return ScanResult(self.name, self.category, score, self.action, tuple(hits))
