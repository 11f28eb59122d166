"""request_event: an authenticated OpenAI request as a ``request`` event."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from gateway import request_builder
from gateway.auth import Principal
from gateway.openai_models import ChatCompletionRequest
from gateway.request_builder import request_event
from llmops.codec import AvroCodec
from llmops.events import LlmRequest, ReplyTo

NOW = 1_763_337_600_000
REPLY_TO = ReplyTo(topic="llm.responses.v1", partition=2)
DEFAULT_MAX_TOKENS = 256


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(request_builder, "now_ms", lambda: NOW)


def _body(**fields: Any) -> ChatCompletionRequest:
    return ChatCompletionRequest.model_validate(
        {
            "model": "llama-3.1-8b",
            "messages": [
                {"role": "system", "content": "Sé breve."},
                {"role": "user", "content": "¿Qué hora es en Lisboa?"},
            ],
            **fields,
        }
    )


def _event(principal: Principal, body: ChatCompletionRequest, deadline_s: float = 30.0) -> LlmRequest:
    return request_event(body, principal, REPLY_TO, deadline_s, DEFAULT_MAX_TOKENS, "trace-1", "idem-1")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, DEFAULT_MAX_TOKENS),
        ({"max_tokens": 64}, 64),
        ({"max_completion_tokens": 32}, 32),
        ({"max_completion_tokens": 32, "max_tokens": 64}, 32),
        ({"max_completion_tokens": None, "max_tokens": 1}, 1),
    ],
)
def test_max_tokens_precedence(principal: Principal, fields: dict[str, Any], expected: int) -> None:
    assert _event(principal, _body(**fields))["params"]["max_tokens"] == expected


@pytest.mark.parametrize(
    ("stop", "expected"),
    [(None, []), ("###", ["###"]), (["###", "\nUser:"], ["###", "\nUser:"])],
)
def test_stop_sequences(principal: Principal, stop: str | list[str] | None, expected: list[str]) -> None:
    assert _event(principal, _body(stop=stop))["params"]["stop"] == expected


@pytest.mark.parametrize(
    ("response_format", "expected"),
    [
        (None, None),
        ({"type": "text"}, None),
        ({"type": "json_object"}, "json_object"),
        ({"type": "json_schema"}, "json_object"),
    ],
)
def test_response_format(
    principal: Principal, response_format: dict[str, str] | None, expected: str | None
) -> None:
    assert _event(principal, _body(response_format=response_format))["params"]["response_format"] == expected


@pytest.mark.parametrize(
    ("deadline_s", "deadline"), [(30.0, NOW + 30_000), (0.25, NOW + 250), (1.5, NOW + 1_500)]
)
def test_deadline_is_creation_plus_timeout(principal: Principal, deadline_s: float, deadline: int) -> None:
    event = _event(principal, _body(), deadline_s)

    assert event["created_at"] == NOW
    assert event["deadline"] == deadline


@pytest.mark.parametrize(("user", "expected"), [(None, "user-17"), ("end-user-9", "end-user-9")])
def test_user_defaults_to_the_token_subject(principal: Principal, user: str | None, expected: str) -> None:
    assert _event(principal, _body(user=user))["user"] == expected


def test_event_carries_the_request_and_this_replica_reply_address(principal: Principal) -> None:
    body = _body(temperature=0.3, top_p=0.9, seed=7, metadata={"team": "search"})

    event = _event(principal, body)

    assert uuid.UUID(event["request_id"]).version == 4
    assert event["tenant"] == "acme"
    assert event["model"] == "llama-3.1-8b"
    assert event["messages"] == [
        {"role": "system", "content": "Sé breve."},
        {"role": "user", "content": "¿Qué hora es en Lisboa?"},
    ]
    assert event["prompt"] is None
    assert (event["params"]["temperature"], event["params"]["top_p"], event["params"]["seed"]) == (
        0.3,
        0.9,
        7,
    )
    assert event["reply_to"] == REPLY_TO
    assert (event["trace_id"], event["idempotency_key"]) == ("trace-1", "idem-1")
    assert event["metadata"] == {"team": "search"}
    assert (event["fallback_requested"], event["fallback_reason"]) == (False, None)


def test_every_event_gets_a_new_request_id(principal: Principal) -> None:
    ids = {_event(principal, _body())["request_id"] for _ in range(50)}

    assert len(ids) == 50


def test_event_encodes_with_the_request_schema(principal: Principal, codec: AvroCodec) -> None:
    event = _event(principal, _body(stop="###", response_format={"type": "json_object"}, metadata={"k": "v"}))

    assert codec.decode(codec.encode("request", event), "request") == event
