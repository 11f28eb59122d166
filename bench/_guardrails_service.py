"""Messages per second through the guardrails service: noida-db plus one ``python -m guardrails`` process.

Completions (the labelled cases as prompts and outputs) are produced to
``llm.completions.v1`` as fast as the client can; the figure is responses consumed from
``llm.responses.v1`` divided by the time from the first produce to the last response.
"""

# ruff: noqa: E501, ASYNC110  (event templates kept whole; polling an external assignment)

from __future__ import annotations

import asyncio
import copy
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from llmops import topics
from llmops.codec import AvroCodec
from llmops.events import ChatMessage, LlmCompletion
from llmops.localstack.components import HOST, StackConfig
from llmops.localstack.ports import StackPorts
from llmops.localstack.stack import LocalStack
from llmops.schema_store import SchemaStore

TEMPLATE: dict[str, Any] = {
    "tenant": "bench",
    "request": {
        "tenant": "bench", "user": "bench", "model": "llama-3.1-8b", "prompt": None,
        "params": {"max_tokens": 64, "temperature": None, "top_p": None, "stop": [], "seed": None,
                   "response_format": None},
        "reply_to": None, "idempotency_key": None, "deadline": None, "fallback_requested": False,
        "fallback_reason": None, "trace_id": None, "metadata": {}, "created_at": 0,
    },
    "finish_reason": "stop",
    "usage": {"input_tokens": 20, "output_tokens": 20},
    "timings": {"queue_ms": 1.0, "first_token_ms": None, "total_ms": 30.0},
    "model": {"alias": "llama-3.1-8b", "version": "1", "model_id": "meta-llama/Llama-3.1-8B-Instruct",
              "revision": "main", "endpoint": "http://127.0.0.1:1", "backend": "tgi", "canary": False},
    "fallback": False, "fallback_reason": None, "cost_usd": 0.0, "attempts": 1, "error": None, "created_at": 0,
}  # fmt: skip


def _completions(cases: list[dict[str, Any]], count: int, codec: AvroCodec) -> list[tuple[bytes, bytes]]:
    encoded = []
    for index in range(count):
        case = cases[index % len(cases)]
        event: LlmCompletion = copy.deepcopy(TEMPLATE)  # type: ignore[assignment]
        request_id = str(uuid.uuid4())
        event["request_id"] = event["request"]["request_id"] = request_id
        event["request"]["messages"] = [ChatMessage(role="user", content=case["text"])]
        event["text"] = (
            case["text"] if case["stage"] == "output" else "Sure, here is the answer you asked for."
        )
        encoded.append((request_id.encode(), codec.encode("completion", event)))
    return encoded


async def _measure(bootstrap: str, events: list[tuple[bytes, bytes]]) -> float:
    consumer = AIOKafkaConsumer(topics.RESPONSES.name, bootstrap_servers=bootstrap, auto_offset_reset="latest",
                                enable_auto_commit=False, group_id=f"bench-{uuid.uuid4()}")  # fmt: skip
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await consumer.start()
    await producer.start()
    try:
        while not consumer.assignment():
            await asyncio.sleep(0.05)
        await consumer.seek_to_end()
        started = time.perf_counter()
        sends = [await producer.send(topics.COMPLETIONS.name, value, key=key) for key, value in events]
        await asyncio.gather(*sends)
        seen = 0
        deadline = time.monotonic() + 300
        while seen < len(events) and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            seen += sum(len(records) for records in batches.values())
        return seen / (time.perf_counter() - started)
    finally:
        await producer.stop()
        await consumer.stop()


def service_rate(
    cases: list[dict[str, Any]], count: int, service_env: dict[str, str] | None = None
) -> tuple[float, int]:
    """Start noida-db and the guardrails service on free ports, push ``count`` completions, return msg/s."""
    codec = AvroCodec(SchemaStore.load())
    with tempfile.TemporaryDirectory(prefix="bench-guardrails-") as run_dir:
        env = dict(service_env or {})
        config = StackConfig(run_dir=Path(run_dir), ports=StackPorts.free(), service_env=env)
        stack = LocalStack(config)
        stack.up(only={"noida-db", "guardrails"})
        try:
            events = _completions(cases, count, codec)
            asyncio.run(_measure(f"{HOST}:{config.ports.kafka}", events[: min(200, count)]))  # warm up
            return asyncio.run(_measure(f"{HOST}:{config.ports.kafka}", events)), count
        finally:
            stack.down()
