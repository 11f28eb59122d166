"""Nightly sanity check: golden prompts through the real pipeline over Kafka, as a backend would.

Requests go to ``llm.requests.v1`` without a ``reply_to``, so guardrails answers on
``llm.responses.v1`` keyed by request id. The probe reads that topic with a consumer
that *assigns* itself every partition from the current end (no consumer group), so it
never joins or disturbs a service's group. Checks per prompt: an answer arrived, the
guardrail action is one of those expected, the latency is within the objective. The
result goes to Prometheus gauges and, as the alert, to ``llm.drift.v1`` (see
:mod:`drift.sanity_report`).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError

from drift.golden import GoldenPrompt, GoldenSet
from drift.monitor import SANITY_TENANT
from llmops import topics
from llmops.codec import AvroCodec
from llmops.errors import DependencyUnavailable, InvalidMessage
from llmops.events import LlmRequest, LlmResponse
from llmops.producer import DurableProducer


@dataclass(frozen=True)
class ProbeOutcome:
    """What happened to one golden prompt (no text kept)."""

    prompt_id: str
    answered: bool
    action: str | None
    action_ok: bool
    latency_ms: float | None
    latency_ok: bool
    model_version: str | None


def golden_request(prompt: GoldenPrompt, model: str, request_id: str) -> LlmRequest:
    """The request a backend service would produce for ``prompt``."""
    return LlmRequest(
        request_id=request_id,
        tenant=SANITY_TENANT,
        user=None,
        model=model,
        messages=[{"role": "user", "content": prompt.prompt}],
        prompt=None,
        params={
            "max_tokens": 64,
            "temperature": 0.0,
            "top_p": None,
            "stop": [],
            "seed": 7,
            "response_format": None,
        },
        reply_to=None,
        idempotency_key=request_id,
        deadline=None,
        fallback_requested=False,
        fallback_reason=None,
        trace_id=None,
        metadata={"purpose": "sanity", "golden_id": prompt.id},
        created_at=int(time.time() * 1000),
    )


async def _responses_from_end(bootstrap: str) -> AIOKafkaConsumer:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    try:
        await consumer.start()
        await consumer.topics()  # refresh metadata
        partitions = consumer.partitions_for_topic(topics.RESPONSES.name)
        assigned = [TopicPartition(topics.RESPONSES.name, p) for p in sorted(partitions or ())]
        consumer.assign(assigned)
        await consumer.seek_to_end(*assigned)
        for tp in assigned:
            await consumer.position(tp)  # pin the start before any request is sent
    except KafkaError as exc:
        await consumer.stop()
        raise DependencyUnavailable("kafka", bootstrap, str(exc)) from exc
    return consumer


async def run_probes(
    bootstrap: str, codec: AvroCodec, golden: GoldenSet, model: str, timeout_s: float, objective_ms: float
) -> list[ProbeOutcome]:
    """Send every golden prompt and collect the outcomes (unanswered ones after ``timeout_s``)."""
    consumer = await _responses_from_end(bootstrap)
    producer = DurableProducer(bootstrap, client_id="llmops-drift-sanity")
    sent: dict[str, tuple[GoldenPrompt, float]] = {}
    answers: dict[str, tuple[LlmResponse, float]] = {}
    try:
        await producer.start()
        for prompt in golden.prompts:
            request_id = f"sanity-{uuid.uuid4()}"
            sent[request_id] = (prompt, time.monotonic())
            value = codec.encode("request", golden_request(prompt, model, request_id))
            await producer.send(topics.REQUESTS.name, value, key=request_id.encode())
        deadline = time.monotonic() + timeout_s
        while len(answers) < len(sent) and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=200)
            for record in (r for records in batches.values() for r in records):
                if record.key and record.key.decode(errors="replace") in sent:
                    try:
                        answers[record.key.decode()] = (
                            codec.decode(record.value or b"", "response"),
                            time.monotonic(),
                        )
                    except InvalidMessage:
                        continue
    finally:
        await producer.stop()
        await consumer.stop()
    return [_outcome(prompt, t0, answers.get(rid), objective_ms) for rid, (prompt, t0) in sent.items()]


def _outcome(
    prompt: GoldenPrompt, sent_at: float, answer: tuple[LlmResponse, float] | None, objective_ms: float
) -> ProbeOutcome:
    if answer is None:
        return ProbeOutcome(prompt.id, False, None, False, None, False, None)
    response, arrived_at = answer
    latency = (arrived_at - sent_at) * 1000.0
    action = response["action"]
    return ProbeOutcome(
        prompt.id,
        True,
        action,
        action in prompt.expect_actions,
        latency,
        latency <= objective_ms,
        response["model"]["version"],
    )
