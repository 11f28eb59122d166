"""The drift pipeline: taps on completions and responses, timers, each event counted by topic and model.

The faust agents are driven with ``agent.test_context()`` (drift produces nothing, so no
broker is needed); prometheus counters are global, so tests compare before and after.
"""

from __future__ import annotations

from typing import Any

import pytest
from prometheus_client import REGISTRY, CollectorRegistry

from drift.pipeline import build
from drift.settings import DriftSettings
from llmops import topics
from llmops.codec import AvroCodec
from llmops.events import InferenceTimings, LlmCompletion, LlmRequest, LlmResponse, ModelLineage, TokenUsage
from llmops.localstack.ports import free_port
from llmops.metric_defs import pipeline_metrics
from llmops.settings import Environment
from llmops.streaming_service import StreamingService
from llmops.testing.helpers import eventually

COMPLETION_AGENT = "drift_completion_agent"
RESPONSE_AGENT = "drift_response_agent"
T0 = 1_763_337_600_000


def _lineage(alias: str) -> ModelLineage:
    return ModelLineage(
        alias=alias,
        version="1",
        model_id="m",
        revision="main",
        endpoint="http://tgi",
        backend="tgi",
        canary=False,
    )


def _request() -> LlmRequest:
    return {
        "request_id": "r-1",
        "tenant": "acme",
        "user": None,
        "model": "llama-3.1-8b",
        "messages": [],
        "prompt": "hello",
        "params": {
            "max_tokens": 8,
            "temperature": None,
            "top_p": None,
            "stop": [],
            "seed": None,
            "response_format": None,
        },
        "reply_to": None,
        "idempotency_key": None,
        "deadline": None,
        "fallback_requested": False,
        "fallback_reason": None,
        "trace_id": None,
        "metadata": {},
        "created_at": T0,
    }


def _completion(alias: str) -> LlmCompletion:
    return {
        "request_id": "r-1",
        "tenant": "acme",
        "request": _request(),
        "text": "hi",
        "finish_reason": "stop",
        "usage": TokenUsage(input_tokens=1, output_tokens=1),
        "timings": InferenceTimings(queue_ms=0.0, first_token_ms=None, total_ms=1.0),
        "model": _lineage(alias),
        "fallback": False,
        "fallback_reason": None,
        "cost_usd": 0.0,
        "attempts": 1,
        "error": None,
        "created_at": T0 + 10,
    }


def _response(alias: str) -> LlmResponse:
    return {
        "request_id": "r-1",
        "tenant": "acme",
        "model": _lineage(alias),
        "text": "hi",
        "action": "allow",
        "reason_code": None,
        "findings": [],
        "policy_version": "p",
        "finish_reason": "stop",
        "usage": TokenUsage(input_tokens=1, output_tokens=1),
        "cost_usd": 0.0,
        "fallback": False,
        "error": None,
        "prompt_redacted": "hello",
        "prompt_sha256": "0" * 64,
        "output_sha256": "1" * 64,
        "guardrails_ms": 0.1,
        "request_created_at": T0,
        "completion_created_at": T0 + 10,
        "created_at": T0 + 11,
    }


def _observed(topic: str, model: str) -> float:
    value = REGISTRY.get_sample_value("llmops_drift_events_observed_total", {"topic": topic, "model": model})
    return value or 0.0


@pytest.fixture(scope="module")
def service() -> StreamingService:
    return build(
        DriftSettings(
            kafka_bootstrap="127.0.0.1:1",
            redis_url="redis://127.0.0.1:1/0",
            http_port=free_port(),
            environment=Environment.LOCAL,
        )
    )


def test_one_agent_per_tapped_topic(service: StreamingService) -> None:
    agents = service.app.agents

    assert {name: agent.channel.get_topic_name() for name, agent in agents.items()} == {
        COMPLETION_AGENT: topics.COMPLETIONS.name,
        RESPONSE_AGENT: topics.RESPONSES.name,
    }


@pytest.mark.parametrize(
    ("agent_name", "topic", "schema", "event"),
    [
        (COMPLETION_AGENT, topics.COMPLETIONS.name, "completion", _completion("drift-test-a")),
        (RESPONSE_AGENT, topics.RESPONSES.name, "response", _response("drift-test-b")),
    ],
)
async def test_each_event_is_counted_by_topic_and_model(
    service: StreamingService, codec: AvroCodec, agent_name: str, topic: str, schema: str, event: Any
) -> None:
    model = event["model"]["alias"]
    before = _observed(topic, model)

    async with service.app.agents[agent_name].test_context() as agent:
        for _ in range(3):
            await agent.put(value=codec.encode(schema, event), key=b"r-1")
        await eventually(lambda: _observed(topic, model) == before + 3)

    assert _observed(topic, model) == before + 3
    other = topics.RESPONSES.name if topic == topics.COMPLETIONS.name else topics.COMPLETIONS.name
    assert _observed(other, model) == 0.0


async def test_invalid_event_is_dead_lettered_not_counted(
    service: StreamingService, codec: AvroCodec, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[tuple[str, bytes, bytes | None]] = []

    async def record(topic: str, value: bytes, key: bytes | None = None, **_: Any) -> None:
        sent.append((topic, value, key))

    monkeypatch.setattr(service, "send", record)
    wrong_schema = codec.encode("response", _response("drift-test-c"))
    before = _observed(topics.COMPLETIONS.name, "drift-test-c")

    async with service.app.agents[COMPLETION_AGENT].test_context() as agent:
        await agent.put(value=wrong_schema, key=b"r-1")
        await eventually(lambda: len(sent) == 1)

    ((topic, value, key),) = sent
    assert (topic, key) == (topics.DEADLETTER.name, b"r-1")
    dead = codec.decode(value, "dead_letter")
    assert dead["payload"] == wrong_schema
    assert "expected a completion event" in dead["error"]
    assert _observed(topics.COMPLETIONS.name, "drift-test-c") == before


def test_window_timer_and_sanity_crontab_are_scheduled(service: StreamingService) -> None:
    """One timer closes quiet windows; the sanity crontab is on by default (DRIFT_SANITY_CRON).

    The third task is the consumer lag refresh every StreamingService runs.
    """
    assert len(service.app._app_tasks) == 3


def test_sanity_crontab_can_be_disabled() -> None:
    quiet = build(
        DriftSettings(
            kafka_bootstrap="127.0.0.1:1",
            redis_url="redis://127.0.0.1:1/0",
            http_port=free_port(),
            environment=Environment.LOCAL,
            sanity_cron="",
        ),
        metrics=pipeline_metrics("drift", CollectorRegistry()),
    )

    assert len(quiet.app._app_tasks) == 2
