"""The walking skeleton end to end: gateway -> inference -> guardrails -> gateway, audit alongside.

Runs against the real local servers started by the ``local_stack`` fixture and talks
to the gateway with the official ``openai`` client, unchanged.
"""

from __future__ import annotations

import asyncio
import time

import aiohttp
import openai
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from llmops import topics
from llmops.codec import AvroCodec
from llmops.dev_tokens import mint_token
from llmops.events import DeadLetter
from llmops.localstack.components import HOST, StackConfig

pytestmark = pytest.mark.integration


def _client(stack: StackConfig, tenant: str = "acme") -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(
        base_url=f"http://{HOST}:{stack.ports.gateway}/v1",
        api_key=mint_token(tenant),
        max_retries=0,
        timeout=30,
    )


async def _audit_doc(stack: StackConfig, request_id: str, wait_s: float = 15) -> dict[str, object]:
    """The audit record of ``request_id``, searched by id through the alias over the daily indices."""
    deadline = time.monotonic() + wait_s
    url = f"http://{HOST}:{stack.ports.elasticsearch}/llmops-audit/_search"
    query = {"query": {"ids": {"values": [request_id]}}}
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            async with session.post(url, json=query) as response:
                if response.status == 200:
                    hits = (await response.json())["hits"]["hits"]
                    if hits:
                        assert len(hits) == 1, f"{len(hits)} audit records for {request_id}"
                        hit: dict[str, object] = hits[0]
                        return hit
            await asyncio.sleep(0.3)
    raise AssertionError(f"no audit record for {request_id} after {wait_s}s")


async def test_chat_completion_is_guarded_and_audited(local_stack: StackConfig) -> None:
    client = _client(local_stack)
    completion = await client.chat.completions.create(
        model="llama-3.1-8b",
        messages=[{"role": "user", "content": "Contact me at maria.bianchi@example.it about my refund"}],
        max_tokens=16,
    )
    assert completion.object == "chat.completion"
    assert completion.choices[0].message.content
    assert completion.usage is not None and completion.usage.completion_tokens > 0
    extra = completion.model_extra or {}
    request_id = extra["llmops"]["request_id"]
    assert extra["llmops"]["action"] == "redact"

    doc = await _audit_doc(local_stack, request_id)
    source = doc["_source"]
    assert isinstance(source, dict)
    assert source["tenant"] == "acme"
    assert source["gen_ai.request.model"] == "llama-3.1-8b"
    assert source["prompt"]["redacted"] == "Contact me at [EMAIL] about my refund"
    assert "maria.bianchi" not in str(source)


async def test_streaming_answer_uses_openai_chunks(local_stack: StackConfig) -> None:
    client = _client(local_stack)
    stream = await client.chat.completions.create(
        model="llama-3.1-8b",
        messages=[{"role": "user", "content": "Tell me a story"}],
        max_tokens=24,
        stream=True,
    )
    pieces = [chunk.choices[0].delta.content or "" async for chunk in stream if chunk.choices]
    assert len("".join(pieces).split()) > 1


@pytest.mark.parametrize(
    ("token", "status"),
    [
        (None, 401),
        ("not-a-jwt", 401),
        (mint_token("acme", secret="another-secret-entirely-0123456789"), 401),
        (mint_token("acme", ttl_s=-60), 401),
    ],
)
async def test_bad_credentials_get_401_with_openai_error(
    local_stack: StackConfig,
    token: str | None,
    status: int,
) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    url = f"http://{HOST}:{local_stack.ports.gateway}/v1/chat/completions"
    body = {"model": "llama-3.1-8b", "messages": [{"role": "user", "content": "hi"}]}
    async with aiohttp.ClientSession() as session, session.post(url, json=body, headers=headers) as response:
        payload = await response.json()
        assert response.status == status
        assert "WWW-Authenticate" in response.headers
        assert payload["error"]["type"] == "invalid_request_error"


async def test_unknown_model_and_bad_body_get_clear_errors(local_stack: StackConfig) -> None:
    client = _client(local_stack)
    with pytest.raises(openai.NotFoundError):
        await client.chat.completions.create(model="nope", messages=[{"role": "user", "content": "x"}])
    with pytest.raises(openai.BadRequestError) as bad:
        await client.chat.completions.create(model="llama-3.1-8b", messages=[])
    assert "messages" in str(bad.value)


async def test_malformed_request_event_is_dead_lettered_and_service_goes_on(
    local_stack: StackConfig,
    producer: AIOKafkaProducer,
    codec: AvroCodec,
    kafka_bootstrap: str,
) -> None:
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka_bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topics.DEADLETTER.name, p) for p in range(topics.DEADLETTER.partitions)]
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        for p in partitions:
            await consumer.position(p)
        key = f"poison-{time.time_ns()}".encode()
        await producer.send_and_wait(topics.REQUESTS.name, b"\x00not avro at all", key=key)
        dead = await _find_dead_letter(consumer, codec, key)
        assert dead["source_topic"] == topics.REQUESTS.name
        assert dead["payload"] == b"\x00not avro at all"
        assert dead["service"] in {"inference", "audit"}
        assert "single-object" in dead["error"]
    finally:
        await consumer.stop()
    completion = await _client(local_stack).chat.completions.create(
        model="llama-3.1-8b",
        messages=[{"role": "user", "content": "still there?"}],
        max_tokens=4,
    )
    assert completion.choices[0].message.content


async def _find_dead_letter(consumer: AIOKafkaConsumer, codec: AvroCodec, key: bytes) -> DeadLetter:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        batches = await consumer.getmany(timeout_ms=500)
        for records in batches.values():
            for record in records:
                event: DeadLetter = codec.decode(record.value, topics.DEADLETTER.schema)
                if event["source_key"] == key:
                    return event
    raise AssertionError("poison event never reached the dead-letter topic")
