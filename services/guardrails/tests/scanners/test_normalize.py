"""Normalisation: NFKC, invisible characters and homoglyphs, with offsets back to the original."""

from __future__ import annotations

import pytest

from guardrails.normalize import normalize
from guardrails.scanner import Span


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("plain ascii", "plain ascii"),
        ("ig\u200bnore prev\u200dious", "ignore previous"),
        ("\uff49\uff47\uff4e\uff4f\uff52\uff45", "ignore"),  # fullwidth
        ("\u0456gn\u043er\u0435", "ignore"),  # Cyrillic i, o, e
        ("caf\u00e9 \u00e0 Z\u00fcrich", "caf\u00e9 \u00e0 Z\u00fcrich"),  # accents stay
        ("\ufb01le", "file"),  # ligature
        ("\u0131gnore", "ignore"),  # dotless i (re.IGNORECASE equates it with i)
        ("\u0130NSTRUCTIONS", "INSTRUCTIONS"),  # dotted capital I (lower-cases to two characters)
    ],
)
def test_scanning_form(text: str, normal: str) -> None:
    assert normalize(text).text == normal


def test_spans_map_back_over_removed_and_expanded_characters() -> None:
    text = "a\u200bb \ufb01x"
    normalized = normalize(text)
    start = normalized.text.index("fix")

    (span,) = normalized.to_original((Span(start, start + 3, "X"),), len(text))

    assert text[span.start : span.end] == "\ufb01x"
