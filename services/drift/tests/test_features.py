"""Features per event: which stream each comes from, and missing fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from drift.embedding import HashingEmbedder
from drift.features import FEATURES, Stream, completion_features, prompt_text, response_features
from llmops.errors import InvalidMessage

EMBEDDER = HashingEmbedder(64)
Factory = Callable[..., dict[str, Any]]


def test_completion_features(make_completion: Factory) -> None:
    row = completion_features(
        make_completion(prompt="Wie kann ich mein Passwort ändern?", input_tokens=9), EMBEDDER
    )

    assert row.stream is Stream.COMPLETION
    assert row.values["prompt_tokens"] == 9.0
    assert row.values["output_tokens"] == 40.0
    assert row.values["latency_ms"] == 250.0
    assert row.values["finish_reason"] == "stop"
    assert row.values["prompt_language"] == "de"
    assert row.values["prompt_embedding"].shape == (64,)  # type: ignore[union-attr]


def test_features_hold_no_text(make_completion: Factory) -> None:
    row = completion_features(make_completion(prompt="mail ann@example.com now"), EMBEDDER)

    assert not any(isinstance(v, str) and "@" in v for v in row.values.values())


def test_prompt_from_chat_messages_uses_user_turns() -> None:
    request = {
        "prompt": None,
        "messages": [
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "Hello"},
            {"role": "user", "content": "there"},
        ],
    }

    assert prompt_text(request) == "Hello\nthere"


@pytest.mark.parametrize(
    ("action", "category"),
    [("allow", "none"), ("redact", "pii:email"), ("block", "pii:email")],
)
def test_response_features(make_response: Factory, action: str, category: str) -> None:
    row = response_features(make_response(action=action), EMBEDDER)

    assert row.stream is Stream.RESPONSE
    assert row.values["guardrail_action"] == action
    assert row.values["guardrail_category"] == category


def test_highest_scoring_flagged_finding_names_the_category(make_response: Factory) -> None:
    findings = [
        {"category": "pii:phone", "score": 0.4, "action": "redact"},
        {"category": "toxicity", "score": 0.9, "action": "block"},
        {"category": "secrets", "score": 1.0, "action": "allow"},
    ]

    row = response_features(make_response(action="block", findings=findings), EMBEDDER)

    assert row.values["guardrail_category"] == "toxicity"


@pytest.mark.parametrize(
    "override",
    [
        {"usage": None},
        {"usage": {"input_tokens": 3}},
        {"timings": {}},
        {"finish_reason": None},
        {"request": None},
    ],
)
def test_missing_completion_field_is_invalid(make_completion: Factory, override: dict[str, Any]) -> None:
    with pytest.raises(InvalidMessage, match="missing field"):
        completion_features(make_completion(**override), EMBEDDER)


def test_missing_response_action_is_invalid(make_response: Factory) -> None:
    with pytest.raises(InvalidMessage, match="action"):
        response_features(make_response(action=None), EMBEDDER)


def test_every_feature_is_produced_by_its_stream(make_completion: Factory, make_response: Factory) -> None:
    rows = {
        Stream.COMPLETION: completion_features(make_completion(), EMBEDDER),
        Stream.RESPONSE: response_features(make_response(), EMBEDDER),
    }

    for spec in FEATURES:
        assert spec.name in rows[spec.stream].values
