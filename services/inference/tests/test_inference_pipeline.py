"""The inference pipeline: requests in, completions out to ``llm.completions.v1`` by key.

The faust agent is driven with ``agent.test_context()`` (no broker) against the in-process
simulator; the service's producer is replaced by a recorder.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml

from inference.catalog_file import DEFAULT_CATALOG
from inference.pipeline import build
from inference.settings import InferenceSettings
from llmops import topics
from llmops.codec import AvroCodec
from llmops.errors import ConfigurationError
from llmops.events import LlmRequest
from llmops.localstack.ports import free_port
from llmops.settings import Environment
from llmops.streaming_service import StreamingService
from llmops.testing.helpers import Produced, eventually, record_sends
from tgi_simulator import SimulatorConfig
from tgi_simulator.server import running_simulator

AGENT = "inference_request_agent"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


def _settings(tgi_url: str, catalog_path: Path = DEFAULT_CATALOG, **overrides: Any) -> InferenceSettings:
    values: dict[str, Any] = {
        "kafka_bootstrap": "127.0.0.1:1",
        "http_port": free_port(),
        "environment": Environment.LOCAL,
        "tgi_url": tgi_url,
        "fallback_url": tgi_url,
        "catalog_path": catalog_path,
        "max_in_flight": 2,
        "request_timeout_s": 10.0,
    }
    return InferenceSettings(**(values | overrides))


@pytest.fixture(scope="module")
async def hung_url() -> AsyncIterator[str]:
    """A simulator whose requests all hang until the test releases them."""
    config = SimulatorConfig(port=0, prefill_ms_per_token=0.0, decode_ms_per_token=0.0, eos_probability=0.0)
    async with running_simulator(config) as url:
        yield url
        await _set_faults(url, hang_rate=0.0)


async def _set_faults(url: str, **plan: Any) -> None:
    async with aiohttp.ClientSession() as session, session.put(f"{url}/admin/faults", json=plan) as response:
        assert response.status == 200


@pytest.fixture(scope="module")
def service(sim_url: str, hung_url: str, tmp_path_factory: pytest.TempPathFactory) -> StreamingService:
    """The service over a catalog of the shipped demo alias plus ``stuck-8b`` on the hung server."""
    catalog = yaml.safe_load(DEFAULT_CATALOG.read_text(encoding="utf-8"))
    for alias in catalog["aliases"].values():
        for version in alias["versions"]:
            version["max_in_flight"] = 6  # below the agent concurrency of 8
    stuck = dict(catalog["aliases"]["llama-3.1-8b"]["versions"][0], endpoint=hung_url, max_in_flight=2)
    catalog["aliases"]["stuck-8b"] = {"versions": [stuck]}  # no fallback: saturation answers an error
    path = tmp_path_factory.mktemp("catalog") / "catalog.yaml"
    path.write_text(yaml.safe_dump(catalog), encoding="utf-8")
    return build(_settings(sim_url, path, max_in_flight=8))


@pytest.fixture
def produced(service: StreamingService, monkeypatch: pytest.MonkeyPatch) -> list[Produced]:
    return record_sends(service, monkeypatch)


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
        await eventually(lambda: len(produced) == 1)

    (record,) = produced
    assert (record.topic, record.key, record.partition) == (topics.COMPLETIONS.name, b"req-1", None)
    assert [name for name, _ in record.headers] == ["traceparent"]
    assert record.headers[0][1].decode().startswith(f"00-{TRACE_ID}-")
    completion = codec.decode(record.value, "completion")
    assert completion["error"] is None
    assert completion["usage"]["output_tokens"] == chat_request["params"]["max_tokens"]
    assert completion["request"] == chat_request
    assert completion["model"]["alias"] == "llama-3.1-8b"
    assert completion["model"]["version"] in {"1", "2"}  # the shipped catalog's 95/5 canary


async def test_hung_backend_does_not_stop_other_partitions(
    service: StreamingService,
    produced: list[Produced],
    codec: AvroCodec,
    chat_request: LlmRequest,
    hung_url: str,
) -> None:
    """Partition 0 carries requests for a server that never answers, partition 1 for a healthy one.

    The hung endpoint holds its two slots; the other requests for it are answered at
    once with a ``saturated`` error instead of each parking one of the agent's eight
    actors, so partition 1 keeps flowing. Releasing the hang completes the two held.
    """
    await _set_faults(hung_url, hang_rate=1.0)
    stuck = [_with_id(chat_request, f"stuck-{i}", "stuck-8b") for i in range(6)]
    healthy = [_with_id(chat_request, f"ok-{i}") for i in range(5)]

    async with service.app.agents[AGENT].test_context() as agent:
        for request in stuck:
            await agent.put(
                value=codec.encode("request", request), key=request["request_id"].encode(), partition=0
            )
        for request in healthy:
            await agent.put(
                value=codec.encode("request", request), key=request["request_id"].encode(), partition=1
            )
        await eventually(lambda: len(produced) == 9, timeout_s=20.0)

        answered = {
            codec.decode(r.value, "completion")["request_id"]: codec.decode(r.value, "completion")
            for r in produced
        }
        assert {f"ok-{i}" for i in range(5)} <= set(answered)
        assert all(answered[f"ok-{i}"]["error"] is None for i in range(5))
        refused = [c for c in answered.values() if c["model"]["alias"] == "stuck-8b"]
        assert len(refused) == 4
        assert all(c["error"] is not None and c["error"]["code"] == "saturated" for c in refused)
        assert all(c["error"] is not None and c["error"]["http_status"] == 503 for c in refused)

        await _set_faults(hung_url, hang_rate=0.0)
        await eventually(lambda: len(produced) == 11, timeout_s=20.0)

    last = [codec.decode(r.value, "completion") for r in produced[9:]]
    assert all(c["error"] is None and c["model"]["alias"] == "stuck-8b" for c in last)


def _with_id(request: LlmRequest, request_id: str, model: str | None = None) -> LlmRequest:
    copy: LlmRequest = {**request, "request_id": request_id}
    if model is not None:
        copy["model"] = model
    return copy


async def test_undecodable_request_is_dead_lettered_with_its_bytes(
    service: StreamingService, produced: list[Produced], codec: AvroCodec
) -> None:
    async with service.app.agents[AGENT].test_context() as agent:
        await agent.put(value=b"\xc3\x01not avro", key=b"bad-1")
        await eventually(lambda: len(produced) == 1)

    (record,) = produced
    assert (record.topic, record.key) == (topics.DEADLETTER.name, b"bad-1")
    dead = codec.decode(record.value, "dead_letter")
    assert (dead["payload"], dead["service"], dead["error_type"]) == (
        b"\xc3\x01not avro",
        "inference",
        "InvalidMessage",
    )


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"prompt": "also a prompt"}, "exactly one of 'messages' and 'prompt'"),
        ({"messages": []}, "exactly one of 'messages' and 'prompt'"),
        ({"tenant": " "}, "'tenant' is empty"),
        ({"messages": [{"role": "wizard", "content": "hi"}]}, "unknown chat roles: wizard"),
        ({"params": {"max_tokens": 0, "temperature": None, "top_p": None, "stop": [], "seed": None,
                     "response_format": None}}, "max_tokens must be >= 1"),
    ],
)  # fmt: skip
async def test_invalid_request_is_dead_lettered_with_the_reason(
    service: StreamingService,
    produced: list[Produced],
    codec: AvroCodec,
    chat_request: LlmRequest,
    change: dict[str, Any],
    reason: str,
) -> None:
    request: LlmRequest = {**chat_request, **change}  # type: ignore[typeddict-item]
    async with service.app.agents[AGENT].test_context() as agent:
        await agent.put(value=codec.encode("request", request), key=b"bad-2")
        await eventually(lambda: len(produced) == 1)

    (record,) = produced
    assert record.topic == topics.DEADLETTER.name
    assert reason in codec.decode(record.value, "dead_letter")["error"]


def test_agent_concurrency_must_exceed_every_endpoints_slots(sim_url: str) -> None:
    with pytest.raises(ConfigurationError, match=r"INFERENCE_MAX_IN_FLIGHT \(128\) must exceed .* \(128\)"):
        build(_settings(sim_url, max_in_flight=128))
