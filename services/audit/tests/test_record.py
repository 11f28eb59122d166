"""Facts and records: GenAI semantic-convention names, latencies from timestamps, no raw text."""

from __future__ import annotations

import hashlib
import hmac

import orjson
import pytest

from audit.facts import completion_facts, request_facts, response_facts, user_hash
from audit.record import EMBEDDED_REQUEST, build_record, merge_facts, stage_latencies
from audit.sample_events import PII_EMAIL, PII_PHONE, Inference, sample_inference

KEY = b"test-key"
T0 = 1_763_337_600_000


@pytest.fixture
def inference() -> Inference:
    return sample_inference("3f8e2b1a-9c4d-4e7f-a6b5-0d1c2e3f4a5b", T0)


def _all_stages(inference: Inference) -> dict[str, dict[str, object]]:
    return {
        "request": request_facts(inference.request, KEY),
        EMBEDDED_REQUEST: request_facts(inference.completion["request"], KEY),
        "completion": completion_facts(inference.completion),
        "response": response_facts(inference.response),
    }


def test_complete_record_uses_genai_semantic_convention_names(inference: Inference) -> None:
    record = build_record(_all_stages(inference), "1.2.3")

    assert record["gen_ai.operation.name"] == "chat"
    assert record["gen_ai.provider.name"] == "tgi"
    assert record["gen_ai.request.model"] == "llama-3.1-8b"
    assert record["gen_ai.request.max_tokens"] == 64
    assert (record["gen_ai.request.temperature"], record["gen_ai.request.top_p"]) == (0.2, 0.9)
    assert record["gen_ai.response.model"] == "meta-llama/Llama-3.1-8B-Instruct"
    assert record["gen_ai.response.finish_reasons"] == ["stop"]
    assert (record["gen_ai.usage.input_tokens"], record["gen_ai.usage.output_tokens"]) == (24, 9)
    assert record["status"] == "complete" and record["missing"] == []
    assert record["service_versions"] == {"audit": "1.2.3"}


def test_complete_record_holds_every_audit_fact(inference: Inference) -> None:
    record = build_record(_all_stages(inference), "1.2.3")

    assert record["@timestamp"] == T0
    assert record["trace_id"] == inference.request["trace_id"]
    assert record["user"]["hash"] == hmac.new(KEY, b"user-42", "sha256").hexdigest()
    assert record["model"]["version"] == "3" and record["model"]["canary"] is False
    assert record["guardrails"]["action"] == "redact"
    assert record["guardrails"]["policy_version"] == "policy-7"
    assert len(record["guardrails"]["findings"]) == 2
    assert record["guardrails"]["finding_categories"] == ["pii:email", "pii:phone"]
    assert record["cost_usd"] == 0.00012
    assert record["fallback"] == {"requested": False, "used": False, "reason": None}
    assert record["quota"] == {"quota_decision": "allow"}
    assert record["latency_ms"] == {"inference": 45, "guardrails": 3, "total": 48}
    assert record["prompt"]["sha256"] == inference.response["prompt_sha256"]
    assert record["prompt"]["redacted"] == inference.response["prompt_redacted"]


@pytest.mark.parametrize(
    ("stages", "missing"),
    [
        (("request",), ["completion", "response"]),
        (("request", EMBEDDED_REQUEST, "completion"), ["response"]),
        ((EMBEDDED_REQUEST, "completion"), ["request", "response"]),
        (("response",), ["request", "completion"]),
    ],
)
def test_partial_record_names_what_is_missing_and_holds_no_raw_text(
    inference: Inference, stages: tuple[str, ...], missing: list[str]
) -> None:
    facts = {name: value for name, value in _all_stages(inference).items() if name in stages}

    record = build_record(facts, "1.2.3")

    assert record["status"] == "incomplete"
    assert record["missing"] == missing
    assert record["@timestamp"] == T0
    serialized = orjson.dumps(record).decode()
    assert PII_EMAIL not in serialized and PII_PHONE not in serialized
    assert "user-42" not in serialized


def test_raw_prompt_and_output_are_only_hashed(inference: Inference) -> None:
    prompt = inference.request["messages"][0]["content"]
    output = inference.completion["text"]

    facts = {**request_facts(inference.request, KEY), **completion_facts(inference.completion)}

    assert facts["prompt"] == {"sha256": hashlib.sha256(prompt.encode()).hexdigest(), "length": len(prompt)}
    assert facts["output"] == {"sha256": hashlib.sha256(output.encode()).hexdigest(), "length": len(output)}
    serialized = orjson.dumps(facts).decode()
    assert PII_EMAIL not in serialized and PII_PHONE not in serialized


def test_error_message_is_hashed_not_stored(inference: Inference) -> None:
    inference.completion["error"] = {
        "code": "backend_error",
        "message": f"upstream echoed {PII_EMAIL}",
        "http_status": 503,
        "retriable": True,
    }

    facts = completion_facts(inference.completion)

    assert facts["error"]["type"] == "backend_error"
    assert PII_EMAIL not in orjson.dumps(facts).decode()


@pytest.mark.parametrize(
    ("timestamps", "expected"),
    [
        (
            {"request": 1_000, "completion": 1_840, "response": 1_843},
            {"inference": 840, "guardrails": 3, "total": 843},
        ),
        ({"request": 1_000, "completion": 1_840}, {"inference": 840}),
        ({"request": 1_000, "completion": None, "response": 1_900}, {"total": 900}),
        ({}, {}),
    ],
)
def test_latencies_between_known_stages(timestamps: dict[str, int | None], expected: dict[str, int]) -> None:
    assert stage_latencies(timestamps) == expected


@pytest.mark.parametrize(
    ("base", "extra", "merged"),
    [
        ({"a": 1}, {"b": 2}, {"a": 1, "b": 2}),
        ({"a": {"x": 1}}, {"a": {"y": 2}}, {"a": {"x": 1, "y": 2}}),
        ({"a": 1}, {"a": None}, {"a": 1}),
        ({}, {"a": None}, {"a": None}),
        ({"a": 1}, {"a": 2}, {"a": 2}),
    ],
)
def test_merge_facts(base: dict[str, object], extra: dict[str, object], merged: dict[str, object]) -> None:
    assert merge_facts(base, extra) == merged


@pytest.mark.parametrize(
    ("user", "key"),
    [("user-42", KEY), ("", b"k"), ("ünïcødé", b"x" * 64), ("user-42", b"a longer key than one block " * 4)],
)
def test_user_hash_is_the_hmac_sha256_of_the_user(user: str, key: bytes) -> None:
    assert user_hash(user, key) == hmac.digest(key, user.encode(), "sha256").hex()
