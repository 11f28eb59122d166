"""Dead letters keep the raw event and the reason; the invalid-share budget stops a flood."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from llmops.clock import now_ms
from llmops.codec import AvroCodec
from llmops.dead_letter import DeadLetterQueue, InvalidShareBudget, RawEvent
from llmops.errors import ConfigurationError, DeadLetterBudgetExceeded, InvalidMessage, RetriableError


@dataclass
class RecordingSender:
    """An in-memory stand-in for the acknowledged dead-letter producer."""

    calls: list[tuple[bytes | None, bytes]] = field(default_factory=list)
    fail_with: Exception | None = None

    async def __call__(self, key: bytes | None, value: bytes) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.calls.append((key, value))


def _outcomes(pattern: str) -> list[bool]:
    """``"TTF"`` -> valid, valid, invalid."""
    return [mark == "T" for mark in pattern]


# (max_share, window, min_events, outcomes, index of the record() call that must raise, or None)
BUDGET_CASES = [
    (0.5, 10, 4, "FFF", None),
    (0.5, 10, 4, "FFFT", 3),  # judged at min_events, even on a valid event
    (0.5, 10, 4, "FFTT", None),  # exactly the cap is tolerated
    (0.5, 10, 4, "FFTTF", 4),
    (0.5, 10, 4, "TTTTFFFF", None),  # 4 of 8
    (0.5, 10, 4, "TTTTFFFFF", 8),  # 5 of 9
    (0.5, 4, 4, "FFTTTTFF", None),  # the first two invalid events slid out of the window
    (0.5, 4, 4, "FFTTTTFFF", 8),
    (0.5, 200, 20, "F" * 19, None),
    (0.5, 200, 20, "F" * 20, 19),
    (0.0, 10, 1, "TTT", None),
    (0.0, 10, 1, "TTF", 2),
    (1.0, 10, 1, "F" * 30, None),
    (0.1, 10, 10, "T" * 9 + "F" + "T" * 30 + "FT", None),  # never more than 1 of 10
    (0.1, 10, 10, "T" * 9 + "F" + "T" * 5 + "F", 15),  # 2 of the last 10
]


@pytest.mark.parametrize(
    ("max_share", "window", "min_events", "pattern", "raises_at"),
    BUDGET_CASES,
    ids=[f"{c[0]}-w{c[1]}-m{c[2]}-{c[3][:12]}{'…' if len(c[3]) > 12 else ''}" for c in BUDGET_CASES],
)
def test_invalid_share_budget(
    max_share: float, window: int, min_events: int, pattern: str, raises_at: int | None
) -> None:
    budget = InvalidShareBudget(max_share=max_share, window=window, min_events=min_events)
    for index, valid in enumerate(_outcomes(pattern)):
        if index == raises_at:
            with pytest.raises(DeadLetterBudgetExceeded, match=r"of the last \d+ events were invalid"):
                budget.record(valid)
            return
        budget.record(valid)
    assert raises_at is None, f"expected DeadLetterBudgetExceeded at event {raises_at}"


def test_budget_message_states_counts_and_cap() -> None:
    budget = InvalidShareBudget(max_share=0.25, window=8, min_events=4)
    for valid in _outcomes("TTF"):
        budget.record(valid)
    with pytest.raises(DeadLetterBudgetExceeded, match=r"^2 of the last 4 events were invalid \(cap 25%\)"):
        budget.record(False)


def test_budget_with_min_events_above_window_still_protects() -> None:
    with pytest.raises((ConfigurationError, ValueError, DeadLetterBudgetExceeded)):
        budget = InvalidShareBudget(max_share=0.5, window=5, min_events=10)
        for _ in range(50):
            budget.record(False)


def _raw(**changes: object) -> RawEvent:
    fields: dict[str, object] = {
        "topic": "llm.requests.v1",
        "partition": 4,
        "offset": 2**33 + 5,
        "key": b"req-1",
        "value": b"\xc3\x01not-really-avro\xff",
        "headers": (("traceparent", b"00-abc-def-01"), ("x-null", None)),
        "timestamp_ms": 1_763_337_600_000,
    }
    fields.update(changes)
    return RawEvent(**fields)  # type: ignore[arg-type]


class SchemaMismatch(InvalidMessage):
    """A subclass, to check the recorded error type is the concrete class."""


async def test_dead_letter_produces_a_decodable_event_keeping_the_raw_event(codec: AvroCodec) -> None:
    sender = RecordingSender()
    queue = DeadLetterQueue("inference", codec, sender, InvalidShareBudget())
    raw = _raw()
    before = now_ms()
    returned = await queue.dead_letter(raw, InvalidMessage("tenant is empty"))
    after = now_ms()

    assert len(sender.calls) == 1
    key, value = sender.calls[0]
    assert key == b"req-1"
    event = codec.decode(value, "dead_letter")
    assert event == returned
    assert before <= event.pop("created_at") <= after
    assert event == {
        "source_topic": "llm.requests.v1",
        "source_partition": 4,
        "source_offset": 2**33 + 5,
        "source_key": b"req-1",
        "payload": b"\xc3\x01not-really-avro\xff",
        "headers": [{"key": "traceparent", "value": b"00-abc-def-01"}, {"key": "x-null", "value": None}],
        "error_type": "InvalidMessage",
        "error": "tenant is empty",
        "service": "inference",
    }


@pytest.mark.parametrize(
    ("raw", "error", "expected"),
    [
        (
            _raw(key=None, value=None, headers=()),
            InvalidMessage("tombstone"),
            {"source_key": None, "payload": b"", "headers": [], "error_type": "InvalidMessage"},
        ),
        (
            _raw(),
            SchemaMismatch("wrong schema"),
            {"source_key": b"req-1", "error_type": "SchemaMismatch", "error": "wrong schema"},
        ),
    ],
    ids=["tombstone", "error-subclass"],
)
async def test_dead_letter_edge_cases(
    codec: AvroCodec, raw: RawEvent, error: InvalidMessage, expected: dict[str, object]
) -> None:
    sender = RecordingSender()
    await DeadLetterQueue("audit", codec, sender, InvalidShareBudget()).dead_letter(raw, error)
    key, value = sender.calls[0]
    assert key == raw.key
    event = codec.decode(value, "dead_letter")
    assert {name: event[name] for name in expected} == expected


async def test_budget_is_checked_after_the_event_is_dead_lettered(codec: AvroCodec) -> None:
    sender = RecordingSender()
    queue = DeadLetterQueue(
        "drift", codec, sender, InvalidShareBudget(max_share=0.5, window=10, min_events=2)
    )
    queue.record_valid()
    await queue.dead_letter(_raw(offset=1), InvalidMessage("bad 1"))  # 1 of 2: at the cap
    with pytest.raises(DeadLetterBudgetExceeded):
        await queue.dead_letter(_raw(offset=2), InvalidMessage("bad 2"))  # 2 of 3
    assert [codec.decode(v, "dead_letter")["source_offset"] for _, v in sender.calls] == [1, 2]


async def test_failed_send_propagates_and_is_not_counted(codec: AvroCodec) -> None:
    budget = InvalidShareBudget(max_share=0.5, window=10, min_events=1)
    sender = RecordingSender(fail_with=RetriableError("broker unavailable"))
    queue = DeadLetterQueue("gateway", codec, sender, budget)
    # Counted before sending, the event would trip the budget (1 of 1) instead of propagating.
    with pytest.raises(RetriableError):
        await queue.dead_letter(_raw(), InvalidMessage("bad"))
    budget.record(True)
    sender.fail_with = None
    await queue.dead_letter(_raw(), InvalidMessage("bad"))  # 1 of 2 (at the cap), not 2 of 3
    assert len(sender.calls) == 1
