"""Request-reply at scale: two gateway processes serve at once, each on its own leased reply
partition, and every caller gets its own answer; past the deadline a caller gets 504 with
the request id and the result stays retrievable; a replica taking over a partition settles
what arrived there while nobody read it.

"Its own answer" is checked against the model itself: the TGI simulator's text is a pure
function of (prompt, seed), so each caller's text must equal what the simulator generates
for that caller's prompt — a crossed reply would carry another prompt's text.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
import redis.asyncio as aioredis
from aiokafka import AIOKafkaProducer
from services.gateway.tests.integration.conftest import Replica

from gateway.ledger import TenantLedger
from gateway.policy import TenantPolicy
from llmops import topics
from llmops.codec import AvroCodec
from llmops.dev_tokens import mint_token
from llmops.events import LlmResponse
from llmops.localstack.components import HOST, StackConfig

pytestmark = pytest.mark.integration

CALLERS = 60
AUTH = {"Authorization": f"Bearer {mint_token('acme')}"}


async def gauge(session: aiohttp.ClientSession, replica: Replica, name: str) -> int:
    async with session.get(f"{replica.url}/metrics") as answer:
        text = await answer.text()
    match = re.search(rf"^{name} (\S+)$", text, re.M)
    assert match, f"{name} missing"
    return int(float(match.group(1)))


async def complete(
    session: aiohttp.ClientSession, replica: Replica, prompt: str, seed: int
) -> dict[str, Any]:
    body = {"model": "llama-3.1-8b", "prompt": prompt, "max_tokens": 12, "seed": seed}
    async with session.post(f"{replica.url}/v1/completions", json=body, headers=AUTH) as answer:
        assert answer.status == 200, await answer.text()
        payload: dict[str, Any] = await answer.json()
        assert payload["llmops"]["request_id"] == answer.headers["X-Request-Id"]
        return payload


async def simulator_text(session: aiohttp.ClientSession, stack: StackConfig, prompt: str, seed: int) -> str:
    body = {"inputs": prompt, "parameters": {"max_new_tokens": 12, "seed": seed}}
    async with session.post(f"http://{HOST}:{stack.ports.tgi}/generate", json=body) as answer:
        text: str = (await answer.json())["generated_text"]
        return text


async def test_two_replicas_under_load_answer_every_caller_with_its_own_answer(
    local_stack: StackConfig, start_replica: Callable[..., Replica]
) -> None:
    replicas = [start_replica(), start_replica()]
    prompts = [f"Caller {n} asks about order {uuid.uuid4().hex[:8]}" for n in range(CALLERS)]
    async with aiohttp.ClientSession() as session:
        partitions = {await gauge(session, r, "llmops_gateway_reply_partition") for r in replicas}
        assert len(partitions) == 2 and -1 not in partitions

        answers = await asyncio.gather(
            *(complete(session, replicas[n % 2], prompt, n) for n, prompt in enumerate(prompts))
        )
        expected = await asyncio.gather(
            *(simulator_text(session, local_stack, prompt, n) for n, prompt in enumerate(prompts))
        )

        pending = [await gauge(session, r, "llmops_gateway_pending_replies") for r in replicas]

    assert [a["choices"][0]["text"] for a in answers] == expected
    assert len({a["id"] for a in answers}) == CALLERS
    assert pending == [0, 0]


async def test_deadline_is_504_with_the_request_id_and_the_result_stays_retrievable(
    start_replica: Callable[..., Replica],
) -> None:
    replica = start_replica(request_timeout_s="0.001")
    body = {"model": "llama-3.1-8b", "prompt": "Slow answers are still answers", "max_tokens": 8}
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{replica.url}/v1/completions", json=body, headers=AUTH) as answer:
            assert answer.status == 504
            request_id = answer.headers["X-Request-Id"]
            assert request_id in (await answer.json())["error"]["message"]
        status: dict[str, Any] = {}
        for _ in range(150):
            async with session.get(f"{replica.url}/v1/requests/{request_id}", headers=AUTH) as answer:
                status = await answer.json()
            if status["status"] != "pending":
                break
            await asyncio.sleep(0.1)
    assert status["status"] == "completed"
    assert status["response"]["llmops"]["request_id"] == request_id


async def test_a_replica_taking_over_a_partition_settles_what_arrived_while_nobody_read_it(
    local_stack: StackConfig, start_replica: Callable[..., Replica], codec: AvroCodec, response: LlmResponse
) -> None:
    first = start_replica(reply_partition="5")
    first.process.terminate()
    first.process.wait(timeout=30)
    # While partition 5 has no reader: a request is admitted and its response is produced there.
    redis = aioredis.from_url(f"redis://{HOST}:{local_stack.ports.redis}/0")
    request_id, created = str(uuid.uuid4()), int(time.time() * 1000)
    try:
        ledger = TenantLedger(redis, 600, 600)
        await ledger.admit("acme", request_id, "chat", 64, created, TenantPolicy(), None)
    finally:
        await redis.aclose()
    orphan = {**response, "request_id": request_id, "tenant": "acme", "request_created_at": created}
    producer = AIOKafkaProducer(bootstrap_servers=f"{HOST}:{local_stack.ports.kafka}", acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(
            topics.RESPONSES.name, codec.encode("response", orphan), key=request_id.encode(), partition=5
        )
    finally:
        await producer.stop()

    second = start_replica(reply_partition="5")
    status: dict[str, Any] = {}
    async with aiohttp.ClientSession() as session:
        for _ in range(100):
            async with session.get(f"{second.url}/v1/requests/{request_id}", headers=AUTH) as answer:
                status = await answer.json()
            if status["status"] != "pending":
                break
            await asyncio.sleep(0.1)
    assert status["status"] == "completed"
    assert status["response"]["choices"][0]["message"]["content"] == response["text"]


async def test_replica_exports_the_lag_of_its_reply_partition_only(
    start_replica: Callable[..., Replica],
) -> None:
    replica = start_replica(consumer_lag_interval_s="0.2")
    async with aiohttp.ClientSession() as session:
        partition = await gauge(session, replica, "llmops_gateway_reply_partition")
        lags: dict[str, str] = {}
        for _ in range(100):
            async with session.get(f"{replica.url}/metrics") as answer:
                text = await answer.text()
            lags = dict(re.findall(r"^llmops_gateway_consumer_lag_messages\{(.*)\} (\S+)$", text, re.M))
            if lags:
                break
            await asyncio.sleep(0.1)
    assert lags == {f'partition="{partition}",topic="{topics.RESPONSES.name}"': "0.0"}
