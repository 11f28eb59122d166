"""redact: placeholders replace every span, whatever their order or overlap."""

from __future__ import annotations

import random

import pytest

from guardrails.redaction import redact
from guardrails.scanner import Span

# Every character is distinct and none is used by a placeholder (``[``, ``]``, upper case),
# so a character of a span that survived redaction is visible in the output.
TEXT = "abcdefghijklmnopqrstuvwxyz0123456789"


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        pytest.param([], TEXT, id="no-spans"),
        pytest.param([Span(0, 3, "A")], "[A]defghijklmnopqrstuvwxyz0123456789", id="at-start"),
        pytest.param([Span(33, 36, "A")], "abcdefghijklmnopqrstuvwxyz0123456[A]", id="at-end"),
        pytest.param([Span(0, 36, "A")], "[A]", id="whole-text"),
        pytest.param([Span(3, 5, "A")], "abc[A]fghijklmnopqrstuvwxyz0123456789", id="middle"),
        pytest.param(
            [Span(0, 3, "A"), Span(3, 6, "B")], "[A][B]ghijklmnopqrstuvwxyz0123456789", id="adjacent"
        ),
        pytest.param(
            [Span(3, 6, "B"), Span(0, 3, "A")], "[A][B]ghijklmnopqrstuvwxyz0123456789", id="adjacent-unsorted"
        ),
        pytest.param(
            [Span(0, 5, "A"), Span(3, 8, "B")], "[A]ijklmnopqrstuvwxyz0123456789", id="overlapping-merged"
        ),
        pytest.param(
            [Span(3, 8, "B"), Span(0, 5, "A")], "[A]ijklmnopqrstuvwxyz0123456789", id="overlapping-unsorted"
        ),
        pytest.param(
            [Span(0, 10, "A"), Span(2, 5, "B")], "[A]klmnopqrstuvwxyz0123456789", id="nested-inner-dropped"
        ),
        pytest.param(
            [Span(2, 5, "B"), Span(0, 10, "A")], "[A]klmnopqrstuvwxyz0123456789", id="nested-unsorted"
        ),
        pytest.param(
            [Span(0, 3, "A"), Span(0, 8, "B")],
            "[B]ijklmnopqrstuvwxyz0123456789",
            id="same-start-longest-wins",
        ),
        pytest.param(
            [Span(0, 4, "A"), Span(3, 7, "B"), Span(6, 10, "C")],
            "[A]klmnopqrstuvwxyz0123456789",
            id="overlap-chain",
        ),
        pytest.param(
            [Span(1, 4, "A"), Span(1, 4, "A")], "a[A]efghijklmnopqrstuvwxyz0123456789", id="duplicates"
        ),
        pytest.param(
            [Span(30, 36, "A"), Span(0, 2, "B"), Span(10, 12, "C")],
            "[B]cdefghij[C]mnopqrstuvwxyz0123[A]",
            id="disjoint-unsorted",
        ),
    ],
)
def test_redact(spans: list[Span], expected: str) -> None:
    assert redact(TEXT, spans) == expected
    _assert_no_original_survives(TEXT, spans, redact(TEXT, spans))


def test_accepts_any_iterable_of_spans() -> None:
    spans = (s for s in [Span(0, 1, "X")])

    assert redact("ab", spans) == "[X]b"


def test_empty_text_and_no_spans() -> None:
    assert redact("", []) == ""


def test_random_span_sets_never_leak_originals() -> None:
    rng = random.Random(20251117)
    for _ in range(500):
        spans = []
        for _ in range(rng.randint(1, 6)):
            start = rng.randrange(len(TEXT))
            spans.append(Span(start, rng.randint(start + 1, len(TEXT)), rng.choice("XYZ")))
        _assert_no_original_survives(TEXT, spans, redact(TEXT, spans))


def _assert_no_original_survives(text: str, spans: list[Span], redacted: str) -> None:
    covered = {i for s in spans for i in range(s.start, s.end)}
    for index, char in enumerate(text):
        if index in covered:
            assert char not in redacted, f"{char!r} at {index} survived in {redacted!r} ({spans})"
        else:
            assert char in redacted, f"{char!r} at {index} was lost from {redacted!r} ({spans})"
