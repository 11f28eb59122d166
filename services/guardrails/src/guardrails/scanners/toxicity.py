"""Toxicity and abuse: a multilingual lexicon matched on word boundaries after de-obfuscation.

Obfuscation handled: upper/lower case, leetspeak (``1d10t``, ``$h1t``), symbols standing
for vowels (``f*ck``, ``sh!t``), letters repeated (``fuuuck``) and letters spaced or
dotted apart (``f u c k``, ``i.d.i.o.t``). Word boundaries keep "Scunthorpe", "classic"
and "therapist" clean.

Speed: the shared keyword pass (:mod:`guardrails.keywords`) says whether any lexicon stem,
phrase keyword or obfuscation sign occurs; only then is the text de-obfuscated and the
lexicon's own Aho-Corasick automaton run, each hit checked for word boundaries in Python;
the phrase pattern is tried only where a phrase can begin (:mod:`guardrails.anchored`).
"""

from __future__ import annotations

import re
import string

import ahocorasick  # type: ignore[import-not-found]  # C extension without type stubs

from guardrails.anchored import AnchoredPattern
from guardrails.keywords import groups_in, register
from guardrails.scanner import Action, ScanContext, ScanResult, Span
from guardrails.scanners.toxic_lexicon import PHRASE_KEYWORDS, PHRASES, WORDS

# ASCII to ASCII, so it applies to UTF-8 bytes (str.translate costs ~50 ns a character
# outside ASCII, bytes.translate ~1): code points and so offsets are unchanged.
_LEET = bytes.maketrans(b"013457@$!|", b"oieastasil")
_SPACED = re.compile(r"\b(?:[^\W\d_][ .\-_*]){2,}[^\W\d_]\b")
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")
_MASKED = re.compile(r"(?<=[^\W\d_])[*#%]+(?=[^\W\d_])")
_PHRASE = AnchoredPattern(
    re.compile(r"\b(?:" + "|".join(p for p in PHRASES.strip().split("\n")) + r")\b", re.IGNORECASE)
)

_ENTRIES = {e.rstrip("*").replace("_", " "): e.endswith("*") for e in WORDS.split()}
_LETTERS = string.ascii_lowercase
TOXIC_WORD = register("tox:word", _ENTRIES)
TOXIC_PHRASE = register("tox:phrase", PHRASE_KEYWORDS)
REPEATED = register("tox:repeated", [c * 3 for c in _LETTERS])
SPACED = register(
    "tox:spaced",
    [f" {a} {b} " for a in _LETTERS for b in _LETTERS] + [f"{a}.{b}." for a in _LETTERS for b in _LETTERS],
)
LEET = register(
    "tox:leet",
    [f"{a}{d}" for a in _LETTERS for d in "013457"]
    + [f"{a}{s}{b}" for a in _LETTERS for s in "@$!|*#%" for b in _LETTERS]
    + [f"{s}{a}" for a in _LETTERS for s in "$@"],
)
MASKED = register("tox:masked", [f"{a}*" for a in _LETTERS] + [f"*{a}" for a in _LETTERS])
_SIGNALS = frozenset({TOXIC_WORD, TOXIC_PHRASE, REPEATED, SPACED, LEET, MASKED})


def _lexicon_automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for stem, open_ended in _ENTRIES.items():
        automaton.add_word(stem, (len(stem), open_ended))
    automaton.make_automaton()
    return automaton


_LEXICON = _lexicon_automaton()


def deobfuscate(text: str, groups: frozenset[str] | None = None) -> str:
    """Lower-case ``text`` and undo common obfuscations (length may change; used for detection only).

    ``groups`` (from the keyword pass) skips the rewrites whose signs are absent.
    """
    lowered = text.lower()
    if groups is None or LEET in groups:
        lowered = lowered.encode("utf-8", "surrogatepass").translate(_LEET).decode("utf-8", "surrogatepass")
    if "*" in lowered or "#" in lowered or "%" in lowered:
        lowered = _MASKED.sub("u", lowered)
    if groups is None or SPACED in groups:
        lowered = _SPACED.sub(lambda m: re.sub(r"[ .\-_*]", "", m.group()), lowered)
    if groups is None or REPEATED in groups:
        lowered = _REPEATS.sub(r"\1", lowered)
    return lowered


def lexicon_hits(plain: str) -> list[Span]:
    """Lexicon words in ``plain`` (lower case) that start a word, and end one unless open-ended."""
    hits = []
    for end, (length, open_ended) in _LEXICON.iter(plain):
        start = end - length + 1
        if start > 0 and plain[start - 1].isalnum():
            continue
        stop = end + 1
        if open_ended:
            while stop < len(plain) and plain[stop].isalnum():
                stop += 1
        elif stop < len(plain) and plain[stop].isalnum():
            continue
        hits.append(Span(start, stop, "TOXIC"))
    return hits


_MASKED_TOKEN = re.compile(r"[^\W\d_]+\*+[^\W\d_]*|\*+[^\W\d_]+")


def masked_hits(plain: str) -> list[Span]:
    """Words with letters behind asterisks ("f***", "a**hole") that fit a lexicon word letter for letter."""
    hits = []
    for match in _MASKED_TOKEN.finditer(plain):
        shape = re.compile("".join(r"[^\W\d_]" if c == "*" else re.escape(c) for c in match.group()))
        if any(shape.fullmatch(stem) for stem in _ENTRIES):
            hits.append(Span(match.start(), match.end(), "TOXIC"))
    return hits


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
        view = context.view_of(text)
        if _SIGNALS.isdisjoint(view.groups):
            return self._nothing
        plain = deobfuscate(text, view.groups)
        groups = view.groups if plain == view.lower else groups_in(plain)
        hits = (
            [Span(m.start(), m.end(), "TOXIC") for m in _PHRASE.finditer(plain, plain)]
            if TOXIC_PHRASE in groups
            else []
        )
        score = 0.95 if hits else 0.0
        if "*" in view.lower:  # before de-obfuscation turned "sh*t" into "shut"
            masked = masked_hits(view.lower)
            hits.extend(masked)
            score = max(score, 0.85) if masked else score
        if TOXIC_WORD in groups:
            words = lexicon_hits(plain)
            hits.extend(words)
            score = max(score, 0.9) if words else score
        if not hits:
            return self._nothing
        return ScanResult(self.name, self.category, score, self.action, tuple(hits))
