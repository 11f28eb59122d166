"""Email addresses, plain and obfuscated ("ann at example dot com") in six languages."""

# ruff: noqa: E501  (pattern alternations read best one language per line)

from __future__ import annotations

import re

from guardrails.keywords import register
from guardrails.scanner import TextView
from guardrails.scanners.base import SpanScanner

_EMAIL = re.compile(
    r"(?<![\w.+'%-])\w[\w.%+'-]{0,63}"  # local part, not starting inside a word
    r"@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+"  # domain labels (Unicode letters allowed: IDNs)
    r"[^\W\d_]{2,24}(?![\w-])"  # top-level domain, letters only
)
# "at" / "dot" words: en, it (chiocciola, punto), es (arroba, punto), pt (arroba, ponto),
# de (at, Punkt), fr (arobase, point); bracketed forms like [at] (dot) {at} too.
_AT = r"(?:\s*[\[({<]\s*(?:at|@|arroba|chiocciola|arobase)\s*[\])}>]\s*|\s+(?:at|arroba|chiocciola|arobase|chez)\s+)"
_DOT = (
    r"(?:\s*[\[({<]\s*(?:dot|\.|punto|ponto|punkt|point)\s*[\])}>]\s*|\s+(?:dot|punto|ponto|punkt|point)\s+)"
)
_OBFUSCATED = re.compile(
    rf"(?<![\w.-])[a-z0-9][\w.+-]{{0,63}}(?:{_DOT}[a-z0-9][\w+-]{{0,63}})*{_AT}[a-z0-9][\w-]{{0,62}}(?:{_DOT}[a-z0-9][\w-]{{0,62}})*"
    rf"{_DOT}(?:com|net|org|edu|gov|io|co|info|biz|it|es|pt|de|fr|uk|eu|ch|at|be|br|mx|ar|us|ca|nl)\b",
    re.IGNORECASE,
)
# "anna(at)example.com": a bracketed at, the rest written normally.
_BRACKETED_AT = re.compile(
    r"(?<![\w.-])[a-z0-9][\w.+-]{0,63}\s*[\[({<]\s*(?:at|@)\s*[\])}>]\s*[a-z0-9][\w-]{0,62}(?:\.[a-z0-9][\w-]{0,62})*"
    r"\.[a-z]{2,24}\b",
    re.IGNORECASE,
)
OBFUSCATION_HINTS = register(
    "email:spelled",
    [" dot ", " punto ", " ponto ", " punkt ", " point ", "dot]", "dot)", "dot}", "dot>", "[.]", "(.)", "(at)",
     "[at]", "{at}", "<at>", "[@]", "(@)"],
)  # fmt: skip


class EmailScanner(SpanScanner):
    """Find email addresses: dotted local parts, tags, IDN domains, and spelled-out forms."""

    name = "pii_email"
    category = "pii:email"
    kind = "EMAIL"

    def find(self, text: str, view: TextView) -> list[tuple[int, int]]:
        """Plain addresses need an ``@``; spelled-out ones a "dot" word (cheap prefilters)."""
        found = [m.span() for m in _EMAIL.finditer(text, *_around_ats(text))] if "@" in text else []
        if OBFUSCATION_HINTS in view.groups:
            found.extend(m.span() for m in _OBFUSCATED.finditer(text))
            found.extend(m.span() for m in _BRACKETED_AT.finditer(text) if not _covered(m.span(), found))
        return found


_DOMAIN_END = re.compile(r"[^\w.-]")


def _around_ats(text: str) -> tuple[int, int]:
    """The part of ``text`` a plain address can occupy (``pos`` and ``endpos`` for the regex).

    From 64 characters before the first ``@`` (the longest local part) to the end of the
    domain after the last one: a domain holds only word characters, dots and hyphens, so
    the character there ends any address too.
    """
    start = max(0, text.find("@") - 64)
    stop = _DOMAIN_END.search(text, text.rfind("@") + 1)
    return start, stop.start() if stop else len(text)


def _covered(span: tuple[int, int], found: list[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in found)
