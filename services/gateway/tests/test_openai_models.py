"""OpenAI request validation and the ``chat.completion`` body of a guarded response."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from gateway.openai_models import ChatCompletionRequest, CompletionRequest
from gateway.results import chat_completion_body, guarded_result, text_completion_body
from llmops.events import LlmResponse

CREATED = 1_763_337_600
USER_TURN = [{"role": "user", "content": "Hallo!"}]


@pytest.mark.parametrize(
    ("action", "finish_reason", "expected"),
    [
        ("allow", "stop", "stop"),
        ("allow", "length", "length"),
        ("redact", "eos_token", "stop"),
        ("allow", "stop_sequence", "stop"),
        ("allow", "something-new", "stop"),
        ("block", "stop", "content_filter"),
        ("block", "length", "content_filter"),
    ],
)
def test_finish_reason(response: LlmResponse, action: str, finish_reason: str, expected: str) -> None:
    response.update({"action": action, "finish_reason": finish_reason})

    assert chat_completion_body(guarded_result(response), CREATED)["choices"][0]["finish_reason"] == expected


@pytest.mark.parametrize(("input_tokens", "output_tokens"), [(0, 0), (21, 12), (4000, 96)])
def test_usage_totals(response: LlmResponse, input_tokens: int, output_tokens: int) -> None:
    response["usage"] = {"input_tokens": input_tokens, "output_tokens": output_tokens}

    assert chat_completion_body(guarded_result(response), CREATED)["usage"] == {
        "prompt_tokens": input_tokens,
        "completion_tokens": output_tokens,
        "total_tokens": input_tokens + output_tokens,
    }


def test_body_is_an_openai_chat_completion(response: LlmResponse) -> None:
    body = chat_completion_body(guarded_result(response), CREATED)

    assert body["id"] == f"chatcmpl-{response['request_id']}"
    assert (body["object"], body["created"], body["model"]) == ("chat.completion", CREATED, "llama-3.1-8b")
    assert body["system_fingerprint"] == "7:skeleton-1"
    assert body["choices"] == [
        {
            "index": 0,
            "message": {"role": "assistant", "content": response["text"]},
            "finish_reason": "length",
            "logprobs": None,
        }
    ]
    assert body["llmops"] == {
        "action": "redact",
        "reason_code": None,
        "request_id": response["request_id"],
        "fallback": False,
    }


def test_text_completion_body_carries_the_same_guarded_text(response: LlmResponse) -> None:
    body = text_completion_body(guarded_result(response), CREATED)

    assert (body["id"], body["object"]) == (f"cmpl-{response['request_id']}", "text_completion")
    assert body["choices"] == [
        {"index": 0, "text": response["text"], "finish_reason": "length", "logprobs": None}
    ]


def test_stored_result_holds_no_prompt_and_no_pre_guardrail_text(response: LlmResponse) -> None:
    result = guarded_result(response)

    assert "prompt" not in str(sorted(result)) and "Contact me" not in str(result)
    assert result["text"] == response["text"]


@pytest.mark.parametrize(
    ("prompt", "valid"),
    [("Once upon", True), (["Once upon"], True), ([], False), (["a", "b"], False), ("x" * 200_001, False)],
)
def test_completion_takes_exactly_one_prompt(prompt: str | list[str], valid: bool) -> None:
    if valid:
        assert CompletionRequest.model_validate({"model": "m", "prompt": prompt}).prompt_text() == "Once upon"
        return
    with pytest.raises(ValidationError) as caught:
        CompletionRequest.model_validate({"model": "m", "prompt": prompt})
    assert caught.value.errors()[0]["loc"][0] == "prompt"


@pytest.mark.parametrize(
    ("stop", "expected"),
    [(None, []), ("\n\n", ["\n\n"]), ([], []), (["END", "</s>"], ["END", "</s>"])],
)
def test_stop_list(stop: str | list[str] | None, expected: list[str]) -> None:
    body = ChatCompletionRequest.model_validate({"model": "m", "messages": USER_TURN, "stop": stop})

    assert body.stop_list() == expected


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"model": ""}, "model"),
        ({"messages": []}, "messages"),
        ({"messages": [{"role": "robot", "content": "hi"}]}, "messages"),
        ({"messages": [{"role": "user"}]}, "messages"),
        ({"max_tokens": 0}, "max_tokens"),
        ({"max_completion_tokens": 40_000}, "max_completion_tokens"),
        ({"temperature": 2.5}, "temperature"),
        ({"top_p": 0.0}, "top_p"),
        ({"response_format": {"type": "xml"}}, "response_format"),
        ({"stream": "sometimes"}, "stream"),
    ],
)
def test_invalid_request_names_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ChatCompletionRequest.model_validate({"model": "m", "messages": USER_TURN, **changes})

    assert caught.value.errors()[0]["loc"][0] == field


def test_unknown_fields_are_ignored() -> None:
    body = ChatCompletionRequest.model_validate(
        {"model": "m", "messages": USER_TURN, "logit_bias": {"50256": -100}, "n": 1}
    )

    assert body.model == "m"
