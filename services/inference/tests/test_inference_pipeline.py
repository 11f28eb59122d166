"""The inference pipeline: requests in, completions out to ``llm.completions.v1`` by key.

The faust agent is driven with ``agent.test_context()`` (no broker) against the in-process
simulator; the service's producer is replaced by a recorder.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from inference.pipeline import build, lineage_of
from inference.settings import InferenceSettings
from llmops import topics
from llmops.codec import AvroCodec
from llmops.events import LlmRequest
from llmops.settings import Environment
from llmops.streaming_service import StreamingService

AGENT = "inference_request_agent"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


@dataclass(frozen=True)
class Produced:
    topic: str
    value: bytes
    key: bytes | None
    partition: int | None
    headers: list[tuple[str, bytes]]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def _eventually(condition: Callable[[], bool], timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.005)


def _settings(tgi_url: str) -> InferenceSettings:
    return InferenceSettings(
        kafka_bootstrap="127.0.0.1:1",
        http_port=_free_port(),
        environment=Environment.LOCAL,
        tgi_url=tgi_url,
        model_alias="llama-3.1-8b",
        model_version="7",
        model_id="meta-llama/Llama-3.1-8B-Instruct",
        model_revision="abc123",
        max_in_flight=2,
        request_timeout_s=10.0,
    )


@pytest.fixture(scope="module")
def service(sim_url: str) -> StreamingService:
    return build(_settings(sim_url))


@pytest.fixture
def produced(service: StreamingService, monkeypatch: pytest.MonkeyPatch) -> list[Produced]:
    records: list[Produced] = []

    async def record(
        topic: str,
        value: bytes,
        key: bytes | None = None,
        partition: int | None = None,
        headers: Any = None,
    ) -> None:
        records.append(Produced(topic, value, key, partition, list(headers or ())))

    monkeypatch.setattr(service, "send", record)
    return records


def test_lineage_comes_from_settings() -> None:
    assert lineage_of(_settings("http://tgi-0:8080")) == {
        "alias": "llama-3.1-8b",
        "version": "7",
        "model_id": "meta-llama/Llama-3.1-8B-Instruct",
        "revision": "abc123",
        "endpoint": "http://tgi-0:8080",
        "backend": "tgi",
        "canary": False,
    }


def test_one_agent_reads_the_requests_topic(service: StreamingService) -> None:
    agents = service.app.agents

    assert list(agents) == [AGENT]
    assert agents[AGENT].channel.get_topic_name() == topics.REQUESTS.name


async def test_request_becomes_a_completion_keyed_by_request(
    service: StreamingService, produced: list[Produced], codec: AvroCodec, chat_request: LlmRequest
) -> None:
    traceparent = f"00-{TRACE_ID}-00f067aa0ba902b7-01".encode()

    async with service.app.agents[AGENT].test_context() as agent:
        await agent.put(
            value=codec.encode("request", chat_request), key=b"req-1", headers=[("traceparent", traceparent)]
        )
        await _eventually(lambda: len(produced) == 1)

    (record,) = produced
    assert (record.topic, record.key, record.partition) == (topics.COMPLETIONS.name, b"req-1", None)
    assert [name for name, _ in record.headers] == ["traceparent"]
    assert record.headers[0][1].decode().startswith(f"00-{TRACE_ID}-")
    completion = codec.decode(record.value, "completion")
    assert completion["error"] is None
    assert completion["usage"]["output_tokens"] == chat_request["params"]["max_tokens"]
    assert completion["request"] == chat_request
    assert completion["model"]["version"] == "7"
