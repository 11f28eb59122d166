"""The join table's changelog writer: faust's key and value format, hand-over before acks, failures."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from audit.changelog import ChangelogWriter


class Producer:
    """Stands in for faust's producer: keeps what was sent; acks when told; may refuse."""

    def __init__(self, refuse_after: int | None = None) -> None:
        self.sent: list[tuple[str, bytes | None, bytes | None, int | None]] = []
        self.acks: list[asyncio.Future[Any]] = []
        self.refuse_after = refuse_after

    async def send(
        self, topic: str, key: bytes | None, value: bytes | None, partition: int | None, *_: Any
    ) -> asyncio.Future[Any]:
        await asyncio.sleep(0)
        if self.refuse_after is not None and len(self.sent) >= self.refuse_after:
            raise ConnectionError("producer closed")
        self.sent.append((topic, key, value, partition))
        ack: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.acks.append(ack)
        return ack


async def test_writes_reach_the_producer_as_faust_would_serialize_them() -> None:
    producer = Producer()
    writer = ChangelogWriter(producer, "joins-changelog")
    state = {"partition": 4, "stages": {"request": {"tenant": "t", "user": {"hash": None}}}}

    writer.send(4, "req-1", state)
    writer.send(2, "req-2", None)
    await writer.handed_over()

    assert [(topic, partition) for topic, _, _, partition in producer.sent] == [
        ("joins-changelog", 4),
        ("joins-changelog", 2),
    ]
    (_, key, value, _), (_, tomb_key, tombstone, _) = producer.sent
    assert json.loads(key or b"") == "req-1" and key == json.dumps("req-1").encode()
    assert json.loads(value or b"") == state
    assert (json.loads(tomb_key or b""), tombstone) == ("req-2", None)


async def test_a_write_resolves_with_the_brokers_ack_not_before() -> None:
    producer = Producer()
    writer = ChangelogWriter(producer, "c")

    written = writer.send(0, "req", {"partition": 0})
    await writer.handed_over()

    assert not written.done()
    producer.acks[0].set_result("metadata")
    assert await written == "metadata"


async def test_a_refused_hand_over_fails_its_writes_and_the_flush_that_waits_for_them() -> None:
    producer = Producer(refuse_after=1)
    writer = ChangelogWriter(producer, "c")

    first, second, third = (writer.send(0, f"req-{i}", {"i": i}) for i in range(3))
    with pytest.raises(ConnectionError):
        await writer.handed_over()

    assert not first.done(), "handed over: waits for its ack"
    for failed in (second, third):
        with pytest.raises(ConnectionError):
            await failed
    producer.refuse_after = None
    later = writer.send(0, "req-3", {"i": 3})
    await writer.handed_over()
    assert producer.sent[-1][1] == b'"req-3"' and not later.done()
