"""The guardrails pipeline: completions in, guarded responses to each request's reply address.

The routing is the same in both modes; here it is driven through the per-event faust
agent (``batch_max_events=0``) with ``agent.test_context()`` (no broker), the service's
producer replaced by a recorder, so what would be produced is checked byte for byte. The
batch mode's lean consumer runs against the real broker in ``test_guardrails_e2e.py`` and
``test_batch_consumer_recovery.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

from guardrails.pipeline import build
from guardrails.policy import load_policy
from guardrails.settings import GuardrailsSettings
from llmops import topics
from llmops.codec import AvroCodec
from llmops.events import ChatMessage, LlmCompletion
from llmops.localstack.ports import free_port
from llmops.settings import Environment
from llmops.streaming_service import StreamingService
from llmops.testing.helpers import Produced, record_sends

AGENT = "guardrails_completion_agent"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


@pytest.fixture(scope="module")
def service() -> StreamingService:
    settings = GuardrailsSettings(
        kafka_bootstrap="127.0.0.1:1",
        http_port=free_port(),
        environment=Environment.LOCAL,
        batch_max_events=0,
    )
    service = build(settings)
    assert isinstance(service, StreamingService)
    return service


@pytest.fixture
def produced(service: StreamingService, monkeypatch: pytest.MonkeyPatch) -> list[Produced]:
    return record_sends(service, monkeypatch)


async def _push(
    service: StreamingService, produced: list[Produced], value: bytes, key: bytes, headers: Any = None
) -> None:
    """Put one event and keep the agent running until it produced (batches flush on a timer)."""
    async with service.app.agents[AGENT].test_context() as agent:
        await agent.put(value=value, key=key, headers=headers)


def test_one_agent_reads_the_completions_topic(service: StreamingService) -> None:
    agents = service.app.agents

    assert service.app.conf.consumer_group_instance_id is None  # dynamic membership unless set

    assert list(agents) == [AGENT]
    assert agents[AGENT].channel.get_topic_name() == topics.COMPLETIONS.name


async def test_response_goes_to_the_reply_address_of_its_request(
    service: StreamingService, produced: list[Produced], codec: AvroCodec, completion: LlmCompletion
) -> None:
    completion["request"]["messages"] = [ChatMessage(role="user", content="mail léo at leo@exemple.fr")]
    completion["text"] = "Done: wrote to leo@exemple.fr"
    traceparent = f"00-{TRACE_ID}-00f067aa0ba902b7-01".encode()

    await _push(
        service, produced, codec.encode("completion", completion), b"req-key", [("traceparent", traceparent)]
    )

    (record,) = produced
    assert (record.topic, record.partition) == ("llm.responses.v1", 4)
    assert record.key == completion["request_id"].encode()
    ((name, child),) = record.headers
    assert name == "traceparent"
    assert child.decode().startswith(f"00-{TRACE_ID}-") and child != traceparent
    response = codec.decode(record.value, "response")
    assert response["request_id"] == completion["request_id"]
    assert response["text"] == "Done: wrote to [EMAIL]"
    assert response["prompt_redacted"] == "mail léo at [EMAIL]"
    assert response["policy_version"] == load_policy().version
    assert b"leo@exemple.fr" not in record.value


async def test_without_reply_address_the_response_goes_to_the_responses_topic_by_key(
    service: StreamingService, produced: list[Produced], codec: AvroCodec, completion: LlmCompletion
) -> None:
    completion["request"]["reply_to"] = None

    await _push(service, produced, codec.encode("completion", completion), b"k2")

    assert (produced[0].topic, produced[0].partition) == (topics.RESPONSES.name, None)
    assert produced[0].key == completion["request_id"].encode()
    assert produced[0].headers == []


async def test_undecodable_completion_is_dead_lettered_with_its_bytes(
    service: StreamingService, produced: list[Produced], codec: AvroCodec
) -> None:
    await _push(service, produced, b"not avro at all", b"bad-key")

    (record,) = produced
    assert (record.topic, record.key) == (topics.DEADLETTER.name, b"bad-key")
    dead = codec.decode(record.value, "dead_letter")
    assert dead["payload"] == b"not avro at all"
    assert dead["source_topic"] == topics.COMPLETIONS.name
    assert dead["service"] == "guardrails"
    assert dead["error_type"] == "InvalidMessage"
