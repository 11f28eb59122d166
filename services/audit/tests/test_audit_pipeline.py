"""The audit pipeline: each response becomes one record, written under its request id.

The faust agent is driven with ``agent.test_context()`` (no broker); the Elasticsearch
writer is replaced by a recorder when the pipeline is built.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from audit import pipeline
from audit.record import audit_record
from audit.settings import AuditSettings
from llmops import topics
from llmops.codec import AvroCodec
from llmops.events import LlmResponse
from llmops.settings import Environment
from llmops.streaming_service import StreamingService

AGENT = "audit_response_agent"


class RecordingWriter:
    """Stands in for AuditWriter: keeps what would be indexed."""

    instances: list[RecordingWriter] = []

    def __init__(self, url: str, index: str) -> None:
        self.url = url
        self.index = index
        self.written: list[tuple[str, dict[str, Any]]] = []
        RecordingWriter.instances.append(self)

    async def write(self, request_id: str, document: dict[str, Any]) -> None:
        self.written.append((request_id, document))

    async def ping(self) -> bool:
        return True


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


@pytest.fixture(scope="module")
def service() -> Iterator[StreamingService]:
    settings = AuditSettings(
        kafka_bootstrap="127.0.0.1:1",
        http_port=_free_port(),
        environment=Environment.LOCAL,
        elasticsearch_url="http://es-0:9200",
        index="audit-test",
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "AuditWriter", RecordingWriter)
        yield pipeline.build(settings)


@pytest.fixture
def writer(service: StreamingService) -> RecordingWriter:
    (only,) = RecordingWriter.instances
    only.written.clear()
    return only


def test_writer_targets_the_configured_index(writer: RecordingWriter) -> None:
    assert (writer.url, writer.index) == ("http://es-0:9200", "audit-test")


def test_one_agent_reads_the_responses_topic_and_readiness_checks_elasticsearch(
    service: StreamingService,
) -> None:
    agents = service.app.agents

    assert list(agents) == [AGENT]
    assert agents[AGENT].channel.get_topic_name() == topics.RESPONSES.name
    assert set(service.readiness.checks) == {"kafka", "elasticsearch"}


async def test_response_is_written_as_its_audit_record(
    service: StreamingService, writer: RecordingWriter, codec: AvroCodec, response: LlmResponse
) -> None:
    async with service.app.agents[AGENT].test_context() as agent:
        await agent.put(value=codec.encode("response", response), key=response["request_id"].encode())
        await _eventually(lambda: len(writer.written) == 1)

    assert writer.written == [(response["request_id"], audit_record(response))]
