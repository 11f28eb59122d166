"""Empty output and refusals, valid JSON when asked, banned terms from the policy, length limits."""

from __future__ import annotations

import pytest

from guardrails.scanner import Action, ScanContext
from guardrails.scanners.banned_terms import BannedTermsScanner
from guardrails.scanners.json_output import JsonOutputScanner
from guardrails.scanners.length_limit import LengthLimitScanner
from guardrails.scanners.refusal import RefusalScanner

OUT = ScanContext(stage="output")
JSON = ScanContext(stage="output", wants_json=True)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "I'm sorry, but I can't help with that."),
        ("it", "Mi dispiace, ma non posso aiutarti con questa richiesta."),
        ("es", "Lo siento, pero no puedo ayudar con eso."),
        ("pt", "Desculpe, mas não posso ajudar com isso."),
        ("de", "Es tut mir leid, aber ich kann dabei nicht helfen."),
        ("fr", "Je suis désolé, mais je ne peux pas vous aider."),
    ],
)
def test_refusals_are_reported_not_blocked(lang: str, text: str) -> None:
    result = RefusalScanner().scan(text, OUT)

    assert (result.category, result.action, result.found) == ("refusal", Action.ALLOW, True)


@pytest.mark.parametrize(
    "text", ["The answer is 42.", "Sorry for the delay: here is the report.", "Non posso che darti ragione."]
)
def test_answers_are_not_refusals(text: str) -> None:
    assert not RefusalScanner().scan(text, OUT).found


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_output_is_blocked(text: str) -> None:
    result = RefusalScanner().scan(text, OUT)

    assert (result.category, result.action) == ("empty_output", Action.BLOCK)


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ('{"a": 1}', True),
        ('```json\n{"items": [1, 2]}\n```', True),
        ("  {}  ", True),
        ("[1, 2, 3]", False),
        ('{"a": 1', False),
        ('Sure! Here is the JSON: {"a": 1}', False),
        ("", False),
    ],
)
def test_json_is_checked_when_asked(text: str, valid: bool) -> None:
    result = JsonOutputScanner().scan(text, JSON)

    assert result.found is not valid
    if not valid:
        assert (result.category, result.action) == ("invalid_json", Action.BLOCK)


def test_json_is_not_checked_when_not_asked() -> None:
    assert not JsonOutputScanner().scan("plain prose", OUT).found


@pytest.mark.parametrize(
    ("text", "hits"),
    [
        ("Have you tried Globex Cloud instead?", 1),
        ("globex   cloud and INITECH are rivals", 2),
        ("Globexian cloudiness is not a competitor", 0),
        ("Nothing to see", 0),
    ],
)
def test_banned_terms_match_whole_words_any_case(text: str, hits: int) -> None:
    scanner = BannedTermsScanner(["Globex Cloud", "Initech"], category="competitor")

    result = scanner.scan(text, OUT)

    assert len(result.spans) == hits
    assert result.category == "competitor"
    assert result.action is (Action.BLOCK if hits else Action.ALLOW)


def test_empty_term_list_never_fires() -> None:
    assert not BannedTermsScanner([]).scan("anything", OUT).found


def test_length_limit() -> None:
    scanner = LengthLimitScanner(max_chars=10)

    assert not scanner.scan("x" * 10, OUT).found
    assert scanner.scan("x" * 11, OUT).action is Action.BLOCK
    with pytest.raises(ValueError, match="positive"):
        LengthLimitScanner(max_chars=0)
