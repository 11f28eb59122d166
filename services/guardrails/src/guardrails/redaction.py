"""Replace matched spans with typed placeholders, keeping the rest of the text readable."""

from __future__ import annotations

from collections.abc import Iterable

from guardrails.scanner import Span


def redact(text: str, spans: Iterable[Span]) -> str:
    """Return ``text`` with each span replaced by ``[KIND]``; overlapping spans are merged.

    The original characters of a span never survive, whatever the overlap pattern.
    """
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    pieces: list[str] = []
    cursor = 0
    for span in ordered:
        if span.end <= cursor:
            continue
        start = max(span.start, cursor)
        if start > cursor:
            pieces.append(text[cursor:start])
        if start == span.start:
            pieces.append(f"[{span.kind}]")
        cursor = span.end
    pieces.append(text[cursor:])
    return "".join(pieces)
