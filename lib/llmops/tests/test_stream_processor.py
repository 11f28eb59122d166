"""EventProcessor: decode, handle, and classify failures (dead-letter, retry, or propagate)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from llmops.backoff import Backoff
from llmops.codec import AvroCodec
from llmops.dead_letter import DeadLetterQueue, InvalidShareBudget, RawEvent
from llmops.errors import DeadLetterBudgetExceeded, InvalidMessage, RetriableError
from llmops.metric_defs import pipeline_metrics
from llmops.stream_processor import EventProcessor

TOPIC = "llm.completions.v1"
SERVICE = "testsvc"


class RecordingBudget(InvalidShareBudget):
    """The real budget, remembering every outcome it was given."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.outcomes: list[bool] = []

    def record(self, valid: bool) -> None:
        self.outcomes.append(valid)
        super().record(valid)


@dataclass
class RecordingSender:
    calls: list[tuple[bytes | None, bytes]] = field(default_factory=list)

    async def __call__(self, key: bytes | None, value: bytes) -> None:
        self.calls.append((key, value))


@dataclass
class ScriptedHandler:
    """Raises the scripted errors in order, then succeeds; records every call."""

    errors: list[Exception] = field(default_factory=list)
    calls: list[tuple[Any, RawEvent]] = field(default_factory=list)

    async def __call__(self, event: Any, raw: RawEvent) -> None:
        self.calls.append((event, raw))
        if self.errors:
            raise self.errors.pop(0)


@dataclass
class Harness:
    processor: EventProcessor
    handler: ScriptedHandler
    sender: RecordingSender
    budget: RecordingBudget
    registry: CollectorRegistry

    def metric(self, name: str, **labels: str) -> float:
        value = self.registry.get_sample_value(f"llmops_{SERVICE}_{name}", {"topic": TOPIC, **labels})
        return 0.0 if value is None else value


def _harness(codec: AvroCodec, *errors: Exception, budget: RecordingBudget | None = None) -> Harness:
    registry = CollectorRegistry()
    handler = ScriptedHandler(list(errors))
    sender = RecordingSender()
    budget = budget or RecordingBudget()
    processor = EventProcessor(
        codec,
        "completion",
        handler,
        DeadLetterQueue(SERVICE, codec, sender, budget),
        pipeline_metrics(SERVICE, registry=registry),
        backoff=Backoff(initial_s=0.001, maximum_s=0.002),
    )
    return Harness(processor, handler, sender, budget, registry)


def _completion() -> dict[str, Any]:
    request = {
        "request_id": "req-7",
        "tenant": "acme",
        "model": "chat-default",
        "messages": [{"role": "user", "content": "Hallo, wie geht's?"}],
        "params": {"max_tokens": 16},
        "created_at": 1_763_337_600_000,
    }
    return {
        "request_id": "req-7",
        "tenant": "acme",
        "request": request,
        "text": "Gut, danke!",
        "finish_reason": "stop",
        "usage": {"input_tokens": 5, "output_tokens": 4},
        "timings": {"queue_ms": 1.0, "total_ms": 20.0},
        "model": {
            "alias": "chat-default",
            "version": "1",
            "model_id": "m",
            "revision": "r",
            "endpoint": "http://tgi:8080",
            "backend": "tgi",
        },
        "created_at": 1_763_337_600_020,
    }


def _raw(value: bytes | None) -> RawEvent:
    return RawEvent(TOPIC, 2, 99, b"req-7", value, (("traceparent", b"00-1-2-01"),))


async def test_valid_event_is_handled_and_counted_valid(codec: AvroCodec) -> None:
    h = _harness(codec)
    raw = _raw(codec.encode("completion", _completion()))
    await h.processor.process(raw)
    assert len(h.handler.calls) == 1
    event, seen_raw = h.handler.calls[0]
    assert event == codec.decode(raw.value or b"", "completion")
    assert event["request"]["metadata"] == {}
    assert seen_raw is raw
    assert h.sender.calls == []
    assert h.budget.outcomes == [True]
    assert h.metric("events_consumed_total") == 1
    assert h.metric("event_processing_seconds_count") == 1
    assert h.metric("events_dead_lettered_total", reason="InvalidMessage") == 0


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"", "missing C3 01 marker"),
        (None, "missing C3 01 marker"),
        (b'{"request_id": "req-7"}', "missing C3 01 marker"),
    ],
    ids=["empty", "tombstone", "json"],
)
async def test_undecodable_event_is_dead_lettered_not_handled(
    codec: AvroCodec, value: bytes | None, reason: str
) -> None:
    h = _harness(codec)
    await h.processor.process(_raw(value))
    assert h.handler.calls == []
    assert h.budget.outcomes == [False]
    ((key, dead),) = h.sender.calls
    assert key == b"req-7"
    dead_letter = codec.decode(dead, "dead_letter")
    assert reason in dead_letter["error"]
    assert dead_letter["payload"] == (value or b"")
    assert (dead_letter["source_topic"], dead_letter["source_partition"], dead_letter["source_offset"]) == (
        TOPIC,
        2,
        99,
    )
    assert dead_letter["service"] == SERVICE
    assert h.metric("events_dead_lettered_total", reason="InvalidMessage") == 1
    assert h.metric("event_processing_seconds_count") == 0


async def test_event_of_another_schema_is_dead_lettered(codec: AvroCodec) -> None:
    h = _harness(codec)
    request_bytes = codec.encode("request", _completion()["request"])
    await h.processor.process(_raw(request_bytes))
    assert h.handler.calls == []
    assert (
        "expected a completion event, got request"
        in codec.decode(h.sender.calls[0][1], "dead_letter")["error"]
    )


async def test_handler_invalid_message_is_dead_lettered_without_retry(codec: AvroCodec) -> None:
    h = _harness(codec, InvalidMessage("completion has no text and no error"))
    raw = _raw(codec.encode("completion", _completion()))
    await h.processor.process(raw)
    assert len(h.handler.calls) == 1
    dead_letter = codec.decode(h.sender.calls[0][1], "dead_letter")
    assert dead_letter["error"] == "completion has no text and no error"
    assert dead_letter["payload"] == raw.value
    assert h.budget.outcomes == [False]


async def test_retriable_error_is_retried_until_success(codec: AvroCodec) -> None:
    h = _harness(codec, RetriableError("broker timeout"), RetriableError("leader moved"))
    await h.processor.process(_raw(codec.encode("completion", _completion())))
    assert len(h.handler.calls) == 3
    assert all(event == h.handler.calls[0][0] for event, _ in h.handler.calls)
    assert h.sender.calls == []
    assert h.budget.outcomes == [True]
    assert h.metric("event_processing_seconds_count") == 1


@pytest.mark.parametrize("error", [RuntimeError("bug"), KeyError("text")], ids=["runtime", "key"])
async def test_other_errors_propagate_without_acknowledging(codec: AvroCodec, error: Exception) -> None:
    h = _harness(codec, error)
    with pytest.raises(type(error)):
        await h.processor.process(_raw(codec.encode("completion", _completion())))
    assert len(h.handler.calls) == 1
    assert h.sender.calls == []
    assert h.budget.outcomes == []
    assert h.metric("event_processing_seconds_count") == 0


async def test_invalid_share_budget_stops_the_processor(codec: AvroCodec) -> None:
    h = _harness(codec, budget=RecordingBudget(max_share=0.5, window=10, min_events=3))
    good = _raw(codec.encode("completion", _completion()))
    await h.processor.process(good)
    await h.processor.process(_raw(b"junk"))
    with pytest.raises(DeadLetterBudgetExceeded):
        await h.processor.process(_raw(b"more junk"))
    assert len(h.sender.calls) == 2, "the event that tripped the budget is still dead-lettered first"


@pytest.mark.parametrize(
    ("headers", "handled"),
    [
        ((), True),
        ((("llmops-replay-of", b"1:5"), ("llmops-replay-for", SERVICE.encode())), True),
        ((("llmops-replay-of", b"1:5"), ("llmops-replay-for", b"audit")), False),
        ((("llmops-replay-for", None),), True),
        ((("llmops-replay-of", b"1:5"),), True),
    ],
)
async def test_replays_for_another_service_are_skipped(
    codec: AvroCodec, headers: tuple[tuple[str, bytes | None], ...], handled: bool
) -> None:
    h = _harness(codec)
    raw = RawEvent(TOPIC, 2, 99, b"req-7", codec.encode("completion", _completion()), headers)
    await h.processor.process(raw)
    assert len(h.handler.calls) == int(handled)
    assert h.sender.calls == []
    assert h.budget.outcomes == ([True] if handled else [])
