"""``POST /v1/chat/completions`` through the real app and Redis, Kafka replaced by an in-memory producer.

The fake producer decodes each produced request and, when told to, delivers a guarded
response for it through the same delivery as the reply listener (settled in Redis, then resolved).
"""

from __future__ import annotations

import re

import httpx2 as httpx
import orjson
import pytest
from prometheus_client import REGISTRY
from services.gateway.tests.routes.conftest import FakeProducer

from gateway.runtime import GatewayRuntime
from llmops.errors import RetriableError
from llmops.events import InferenceError, LlmResponse

ROUTE = "/v1/chat/completions"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
BODY = {"model": "llama-3.1-8b", "messages": [{"role": "user", "content": "Wie geht's?"}]}


async def test_answer_is_an_openai_chat_completion(
    client: httpx.AsyncClient, auth: dict[str, str], producer: FakeProducer, response: LlmResponse
) -> None:
    answer = await client.post(ROUTE, json=BODY, headers=auth)

    assert answer.status_code == 200
    (sent,) = producer.sent
    request_id = sent.request["request_id"]
    assert answer.headers["X-Request-Id"] == request_id
    body = answer.json()
    assert (body["object"], body["id"], body["model"]) == (
        "chat.completion",
        f"chatcmpl-{request_id}",
        "llama-3.1-8b",
    )
    assert body["choices"][0]["message"] == {"role": "assistant", "content": response["text"]}
    assert body["usage"]["total_tokens"] == 33
    assert body["llmops"]["action"] == "redact"


async def test_request_event_is_produced_keyed_by_request_id_with_the_reply_address(
    client: httpx.AsyncClient, auth: dict[str, str], producer: FakeProducer, runtime: GatewayRuntime
) -> None:
    await client.post(ROUTE, json={**BODY, "user": None}, headers={**auth, "Idempotency-Key": "idem-42"})

    (sent,) = producer.sent
    assert sent.topic == "llm.requests.v1"
    assert sent.key == sent.request["request_id"].encode()
    assert sent.request["tenant"] == "acme"
    assert sent.request["user"] == "user-17"
    assert sent.request["messages"] == [{"role": "user", "content": "Wie geht's?"}]
    assert sent.request["reply_to"] == {"topic": "llm.responses.v1", "partition": 5}
    assert sent.request["params"]["max_tokens"] == 32
    assert sent.request["idempotency_key"] == "idem-42"
    assert sent.headers["content-type"] == b"application/vnd.apache.avro"
    assert len(runtime.dispatcher.pending) == 0


async def test_incoming_trace_is_continued(
    client: httpx.AsyncClient, auth: dict[str, str], producer: FakeProducer
) -> None:
    incoming = f"00-{TRACE_ID}-00f067aa0ba902b7-01"

    await client.post(ROUTE, json=BODY, headers={**auth, "traceparent": incoming})

    (sent,) = producer.sent
    assert sent.request["trace_id"] == TRACE_ID
    outgoing = sent.headers["traceparent"].decode()
    assert outgoing.startswith(f"00-{TRACE_ID}-") and outgoing != incoming


@pytest.mark.parametrize("incoming", [None, "garbage", "00-XYZ-00f067aa0ba902b7-01"])
async def test_missing_or_invalid_trace_starts_a_new_one(
    client: httpx.AsyncClient, auth: dict[str, str], producer: FakeProducer, incoming: str | None
) -> None:
    headers = auth if incoming is None else {**auth, "traceparent": incoming}

    await client.post(ROUTE, json=BODY, headers=headers)

    (sent,) = producer.sent
    trace_id = sent.request["trace_id"]
    assert trace_id is not None and re.fullmatch(r"[0-9a-f]{32}", trace_id)
    assert sent.headers["traceparent"].decode().startswith(f"00-{trace_id}-")


async def test_streamed_answer_is_server_sent_chunks(
    client: httpx.AsyncClient, auth: dict[str, str], producer: FakeProducer, response: LlmResponse
) -> None:
    answer = await client.post(ROUTE, json={**BODY, "stream": True}, headers=auth)

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/event-stream")
    assert answer.headers["X-Request-Id"] == producer.sent[0].request["request_id"]
    events = answer.content.split(b"\n\n")
    assert events[-2:] == [b"data: [DONE]", b""]
    chunks = [orjson.loads(event.removeprefix(b"data: ")) for event in events[:-2]]
    assert "".join(c["choices"][0]["delta"].get("content", "") for c in chunks) == response["text"]
    assert chunks[-1]["choices"][0]["finish_reason"] == "length"


async def test_unknown_model_is_404_and_nothing_is_produced(
    client: httpx.AsyncClient, auth: dict[str, str], producer: FakeProducer
) -> None:
    answer = await client.post(ROUTE, json={**BODY, "model": "gpt-imaginary"}, headers=auth)

    assert answer.status_code == 404
    assert answer.json()["error"] == {
        "message": "The model `gpt-imaginary` does not exist",
        "type": "invalid_request_error",
        "param": "model",
        "code": "model_not_found",
    }
    assert producer.sent == []


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic dXNlcjpwYXNz"])
async def test_unauthenticated_caller_is_401_and_nothing_is_produced(
    client: httpx.AsyncClient, producer: FakeProducer, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}

    answer = await client.post(ROUTE, json=BODY, headers=headers)

    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer ")
    assert producer.sent == []


async def test_inference_error_becomes_its_http_status(
    client: httpx.AsyncClient, auth: dict[str, str], producer: FakeProducer, response: LlmResponse
) -> None:
    error = InferenceError(
        code="backend_error", message="model server unreachable", http_status=503, retriable=True
    )
    producer.answer = lambda request: {
        **response,
        "request_id": request["request_id"],
        "error": error,
        "text": "",
    }

    answer = await client.post(ROUTE, json=BODY, headers=auth)

    assert answer.status_code == 503
    assert answer.json()["error"] == {
        "message": "model server unreachable",
        "type": "api_error",
        "param": None,
        "code": "backend_error",
    }


async def test_deadline_without_a_reply_is_504_naming_the_request(
    client: httpx.AsyncClient, auth: dict[str, str], producer: FakeProducer, runtime: GatewayRuntime
) -> None:
    producer.answer = None
    runtime.dispatcher.settings = runtime.settings.model_copy(update={"request_timeout_s": 0.2})

    answer = await client.post(ROUTE, json=BODY, headers=auth)

    assert answer.status_code == 504
    request_id = producer.sent[0].request["request_id"]
    assert answer.headers["X-Request-Id"] == request_id
    assert answer.json()["error"]["code"] == "deadline_exceeded"
    assert request_id in answer.json()["error"]["message"]
    assert len(runtime.dispatcher.pending) == 0


async def test_full_waiting_room_is_503_and_nothing_is_produced(
    client: httpx.AsyncClient, auth: dict[str, str], producer: FakeProducer, runtime: GatewayRuntime
) -> None:
    runtime.dispatcher.pending.limit = 0

    answer = await client.post(ROUTE, json=BODY, headers=auth)

    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "1"
    assert answer.json()["error"]["code"] == "overloaded"
    assert producer.sent == []


async def test_failed_produce_fails_the_request_and_leaves_nothing_waiting(
    client: httpx.AsyncClient, auth: dict[str, str], producer: FakeProducer, runtime: GatewayRuntime
) -> None:
    producer.failure = RetriableError("produce to llm.requests.v1 failed: NotLeaderForPartition")

    answer = await client.post(ROUTE, json=BODY, headers=auth)

    assert answer.status_code >= 500
    assert len(runtime.dispatcher.pending) == 0


async def test_failed_produce_is_an_openai_503(
    client: httpx.AsyncClient, auth: dict[str, str], producer: FakeProducer
) -> None:
    producer.failure = RetriableError("produce to llm.requests.v1 failed: NotLeaderForPartition")

    answer = await client.post(ROUTE, json=BODY, headers=auth)

    assert answer.status_code == 503
    assert answer.json()["error"]["type"] == "api_error"


@pytest.mark.parametrize(
    ("content", "headers", "status", "code"),
    [
        (b"x" * 5000, {"content-type": "application/json"}, 413, "body_too_large"),
        (orjson.dumps(BODY), {"content-type": "text/plain"}, 415, "unsupported_media_type"),
        (
            b'{"model": "llama-3.1-8b", "messages": [{"role": "robot", "content": "hi"}]}',
            {"content-type": "application/json"},
            400,
            "invalid_request",
        ),
    ],
)
async def test_bad_bodies_are_refused_before_anything_is_produced(
    client: httpx.AsyncClient,
    auth: dict[str, str],
    producer: FakeProducer,
    content: bytes,
    headers: dict[str, str],
    status: int,
    code: str,
) -> None:
    answer = await client.post(ROUTE, content=content, headers={**auth, **headers})

    assert answer.status_code == status
    assert answer.json()["error"]["code"] == code
    assert producer.sent == []


async def test_served_request_is_counted_with_its_tenant(
    client: httpx.AsyncClient, auth: dict[str, str], producer: FakeProducer
) -> None:
    labels = {"route": ROUTE, "status": "200", "tenant": "acme"}
    before = REGISTRY.get_sample_value("llmops_gateway_requests_total", labels) or 0.0

    await client.post(ROUTE, json=BODY, headers=auth)

    assert REGISTRY.get_sample_value("llmops_gateway_requests_total", labels) == before + 1


async def test_generation_parameters_reach_the_request_event(
    client: httpx.AsyncClient, auth: dict[str, str], producer: FakeProducer
) -> None:
    body = {**BODY, "stop": "###", "max_tokens": 7, "temperature": 0.1, "metadata": {"team": "search"}}

    await client.post(ROUTE, json=body, headers=auth)

    (sent,) = producer.sent
    assert sent.request["params"]["stop"] == ["###"]
    assert sent.request["params"]["max_tokens"] == 7
    assert sent.request["params"]["temperature"] == 0.1
    assert sent.request["metadata"] == {"team": "search"}
