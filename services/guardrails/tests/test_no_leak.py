"""The originals of redacted values never reach a response, a log line, a metric label or an audit record.

The completion goes through the real pipeline in its default (batch) mode, the lean
consumer's batch processor fed the raw event as the consumer would (sends recorded);
every log record of every logger is captured at DEBUG and formatted as the service
formats it (JSON); the Prometheus exposition is scraped; the audit record is what the
response carries (audit stores ``prompt_redacted`` and ``text`` only, plus hashes).
"""

from __future__ import annotations

import json
import logging
import socket
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest

from guardrails.pipeline import build
from guardrails.settings import GuardrailsSettings
from llmops import topics
from llmops.codec import AvroCodec
from llmops.dead_letter import RawEvent
from llmops.events import ChatMessage, LlmCompletion
from llmops.jsonlog import JsonFormatter
from llmops.lean_service import LeanStreamingService
from llmops.metric_defs import pipeline_metrics
from llmops.settings import Environment

ORIGINALS = {
    "EMAIL": "anna.rossi@example.it",
    "CARD": "4111 1111 1111 1111",
    "PHONE": "+39 347 123 4567",
    "IBAN": "IT60X0542811101000000123456",
    "SECRET": "ghp_R2d2C3po4Luke5Leia6Han7Solo8Chewie9Y",
    "SSN": "536-22-1234",
}
PROMPT = (
    f"Mi chiamo Anna, email {ORIGINALS['EMAIL']}, carta {ORIGINALS['CARD']}, "
    f"tel {ORIGINALS['PHONE']}, IBAN {ORIGINALS['IBAN']}, SSN {ORIGINALS['SSN']}, token {ORIGINALS['SECRET']}"
)
OUTPUT = f"Ho registrato {ORIGINALS['EMAIL']} e la carta {ORIGINALS['CARD']}; you are a complete idiot."


def _forms(value: str) -> list[str]:
    """The value as written and without separators (a leak in any form counts)."""
    return [value, value.replace(" ", "").replace("-", "")]


def _assert_clean(where: str, blob: str) -> None:
    for kind, value in ORIGINALS.items():
        for form in _forms(value):
            assert form not in blob, f"{kind} original leaked into {where}"


def _service(tmp_path: Path, moderation: str) -> LeanStreamingService:
    policy = tmp_path / f"{moderation}.yaml"
    default = Path(__file__).parents[1] / "src" / "guardrails" / "default_policy.yaml"
    policy.write_text(default.read_text().replace("moderation: block ", f"moderation: {moderation} "))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = GuardrailsSettings(
        kafka_bootstrap="127.0.0.1:1", environment=Environment.LOCAL, http_port=port, policy_file=policy
    )
    # Pipeline metrics of this extra service instance live in their own registry (names repeat).
    service = build(settings, metrics=pipeline_metrics("guardrails", CollectorRegistry()))
    assert isinstance(service, LeanStreamingService)
    return service


async def _run(
    service: LeanStreamingService, codec: AvroCodec, completion: LlmCompletion
) -> list[tuple[str, bytes]]:
    sent: list[tuple[str, bytes]] = []

    async def record(topic: str, value: bytes, *_: Any, **__: Any) -> None:
        sent.append((topic, value))

    service.send = record  # type: ignore[method-assign]
    raw = RawEvent(
        topic=topics.COMPLETIONS.name, partition=0, offset=0, key=completion["request_id"].encode(),
        value=codec.encode("completion", completion), headers=(), timestamp_ms=None,
    )  # fmt: skip
    await service.processors[topics.COMPLETIONS.name].process_batch([raw])
    return sent


@pytest.mark.parametrize("moderation", ["block", "paraphrase"])
async def test_no_original_in_response_logs_metrics_or_audit_fields(
    tmp_path: Path,
    codec: AvroCodec,
    completion: LlmCompletion,
    caplog: pytest.LogCaptureFixture,
    moderation: str,
) -> None:
    completion["request"]["messages"] = [ChatMessage(role="user", content=PROMPT)]
    completion["text"] = OUTPUT
    service = _service(tmp_path, moderation)

    with caplog.at_level(logging.DEBUG):
        (sent,) = await _run(service, codec, completion)

    topic, value = sent
    assert value  # something was produced: a response (block) or a rewrite request (paraphrase)
    for form in ORIGINALS.values():
        assert form.encode() not in value
    schema = "response" if moderation == "block" else "request"
    event = codec.decode(value, schema)
    _assert_clean(f"the {schema} event", json.dumps(event, ensure_ascii=False))
    formatter = JsonFormatter("guardrails")
    _assert_clean("a log line", "\n".join(formatter.format(r) for r in caplog.records))
    _assert_clean("a metric label", generate_latest(REGISTRY).decode())
    if moderation == "block":
        assert event["action"] == "block"
        assert "[EMAIL]" in event["prompt_redacted"] and "[CARD]" in event["prompt_redacted"]
        _assert_clean("the audit fields", f"{event['prompt_redacted']}\n{event['text']}")
    else:
        assert topic == "llm.requests.v1"
        assert "[EMAIL]" in event["messages"][1]["content"]
