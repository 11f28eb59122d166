"""BatchProcessor: a batch's outputs are scheduled, awaited together, and only then acknowledged."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from llmops.backoff import Backoff
from llmops.batch_processor import BatchProcessor, deferred_deliveries
from llmops.codec import AvroCodec
from llmops.dead_letter import DeadLetterQueue, InvalidShareBudget, RawEvent
from llmops.errors import RetriableError
from llmops.metric_defs import pipeline_metrics
from llmops.stream_processor import EventProcessor
from llmops.testing.helpers import minimal_request

TOPIC = "llm.completions.v1"
SERVICE = "batchsvc"


@dataclass
class Output:
    request_id: str
    deferred: bool
    delivery: asyncio.Future[None] | None = None


@dataclass
class Producer:
    """Stands in for ``StreamingService.send``: schedules inside a batch, else 'awaits' at once."""

    outputs: list[Output] = field(default_factory=list)
    fail_next_handles: list[str] = field(default_factory=list)
    dead_letters: list[bytes] = field(default_factory=list)

    async def handle(self, event: Any, raw: RawEvent) -> None:
        if event["request_id"] in self.fail_next_handles:
            self.fail_next_handles.remove(event["request_id"])
            raise RetriableError("broker timeout")
        deferred = deferred_deliveries()
        output = Output(event["request_id"], deferred is not None)
        if deferred is not None:
            output.delivery = asyncio.get_running_loop().create_future()
            deferred.append(output.delivery)
        self.outputs.append(output)

    async def dead_letter(self, key: bytes | None, value: bytes) -> None:
        assert deferred_deliveries() is None, "dead letters are awaited, not scheduled"
        self.dead_letters.append(value)


class RecordingBudget(InvalidShareBudget):
    def __init__(self) -> None:
        super().__init__()
        self.outcomes: list[bool] = []

    def record(self, valid: bool) -> None:
        self.outcomes.append(valid)
        super().record(valid)


def _processor(codec: AvroCodec, producer: Producer, budget: RecordingBudget) -> BatchProcessor:
    return BatchProcessor(
        EventProcessor(
            codec,
            "completion",
            producer.handle,
            DeadLetterQueue(SERVICE, codec, producer.dead_letter, budget),
            pipeline_metrics(SERVICE, registry=CollectorRegistry()),
            backoff=Backoff(initial_s=0.001, maximum_s=0.002),
        )
    )


def _raw(codec: AvroCodec, request_id: str | None, offset: int) -> RawEvent:
    if request_id is None:
        return RawEvent(TOPIC, 0, offset, b"junk", b"not avro", ())
    request = minimal_request(request_id)
    completion = {
        "request_id": request_id,
        "tenant": "acme",
        "request": request,
        "text": "Gut",
        "finish_reason": "stop",
        "usage": {"input_tokens": 1, "output_tokens": 1},
        "timings": {"queue_ms": 1.0, "total_ms": 2.0},
        "model": {
            "alias": "a",
            "version": "1",
            "model_id": "m",
            "revision": "r",
            "endpoint": "e",
            "backend": "tgi",
        },
        "created_at": 2,
    }
    return RawEvent(TOPIC, 0, offset, request_id.encode(), codec.encode("completion", completion), ())


async def _settle(task: asyncio.Task[None]) -> None:
    for _ in range(50):
        if task.done():
            return
        await asyncio.sleep(0)


def _deliver(outputs: list[Output], error: Exception | None = None) -> None:
    for output in outputs:
        if output.delivery is not None and not output.delivery.done():
            if error is None:
                output.delivery.set_result(None)
            else:
                output.delivery.set_exception(error)


async def test_batch_returns_only_after_every_scheduled_output_is_acknowledged(codec: AvroCodec) -> None:
    producer, budget = Producer(), RecordingBudget()
    task = asyncio.create_task(
        _processor(codec, producer, budget).process_batch([_raw(codec, f"r{i}", i) for i in range(3)])
    )
    await _settle(task)

    assert [(o.request_id, o.deferred) for o in producer.outputs] == [
        ("r0", True),
        ("r1", True),
        ("r2", True),
    ]
    assert not task.done(), "the batch may not be acknowledged before its outputs are durable"
    assert budget.outcomes == []
    _deliver(producer.outputs[:2])
    await _settle(task)
    assert not task.done(), "one output still unacknowledged holds the whole batch"
    _deliver(producer.outputs)
    await task
    assert budget.outcomes == [True, True, True]


async def test_undecodable_event_in_the_middle_is_dead_lettered_alone(codec: AvroCodec) -> None:
    producer, budget = Producer(), RecordingBudget()
    batch = [_raw(codec, "r0", 0), _raw(codec, None, 1), _raw(codec, "r2", 2)]
    task = asyncio.create_task(_processor(codec, producer, budget).process_batch(batch))
    await _settle(task)
    _deliver(producer.outputs)
    await task

    assert [o.request_id for o in producer.outputs] == ["r0", "r2"]
    (dead,) = producer.dead_letters
    dead_letter = codec.decode(dead, "dead_letter")
    assert (dead_letter["payload"], dead_letter["source_offset"]) == (b"not avro", 1)
    assert sorted(budget.outcomes) == [False, True, True]


async def test_retriable_handler_failure_retries_that_event_on_the_awaited_path(codec: AvroCodec) -> None:
    producer, budget = Producer(fail_next_handles=["r1"]), RecordingBudget()
    batch = [_raw(codec, f"r{i}", i) for i in range(3)]
    task = asyncio.create_task(_processor(codec, producer, budget).process_batch(batch))
    await _settle(task)
    _deliver(producer.outputs)
    await task

    assert [(o.request_id, o.deferred) for o in producer.outputs] == [
        ("r0", True),
        ("r2", True),
        ("r1", False),
    ]
    assert budget.outcomes == [True, True, True]


@pytest.mark.parametrize("failed", [0, 1], ids=["first", "second"])
async def test_failed_scheduled_output_is_produced_again_before_the_ack(
    codec: AvroCodec, failed: int
) -> None:
    producer, budget = Producer(), RecordingBudget()
    task = asyncio.create_task(
        _processor(codec, producer, budget).process_batch([_raw(codec, f"r{i}", i) for i in range(2)])
    )
    await _settle(task)
    _deliver(producer.outputs[failed : failed + 1], RetriableError("not enough replicas"))
    _deliver(producer.outputs)
    await task

    assert [(o.request_id, o.deferred) for o in producer.outputs[2:]] == [(f"r{failed}", False)]
    assert budget.outcomes.count(True) == 2


async def test_a_replay_for_another_service_is_skipped_in_a_batch(codec: AvroCodec) -> None:
    producer, budget = Producer(), RecordingBudget()
    mine, other = _raw(codec, "r-mine", 0), _raw(codec, "r-other", 1)
    mine = RawEvent(TOPIC, 0, 0, mine.key, mine.value, (("llmops-replay-for", SERVICE.encode()),))
    other = RawEvent(TOPIC, 0, 1, other.key, other.value, (("llmops-replay-for", b"audit"),))
    task = asyncio.create_task(_processor(codec, producer, budget).process_batch([mine, other]))
    await _settle(task)
    _deliver(producer.outputs)
    await task
    assert [output.request_id for output in producer.outputs] == ["r-mine"]
    assert producer.dead_letters == [] and budget.outcomes == [True]
