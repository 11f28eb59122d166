"""Small helpers the services' tests share (kept here, not copied into each test module)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Produced:
    """One record a service under test produced (captured instead of sent to Kafka)."""

    topic: str
    value: bytes
    key: bytes | None
    partition: int | None
    headers: list[tuple[str, bytes]]


def minimal_request(request_id: str) -> dict[str, Any]:
    """The fewest fields of a valid ``request`` event (the codec fills in the defaults)."""
    return {
        "request_id": request_id,
        "tenant": "acme",
        "model": "chat-default",
        "messages": [{"role": "user", "content": "Hallo"}],
        "params": {"max_tokens": 16},
        "created_at": 1,
    }


async def eventually(condition: Callable[[], bool], timeout_s: float = 5.0, poll_s: float = 0.005) -> None:
    """Wait until ``condition()`` holds; fail the test after ``timeout_s``.

    A wait for an outcome, not a timing assertion: the timeout only bounds a hang.
    """
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(poll_s)


class _Monkeypatch(Protocol):
    def setattr(self, target: object, name: str, value: object) -> None: ...


def record_sends(service: object, monkeypatch: _Monkeypatch) -> list[Produced]:
    """Replace ``service.send`` with a recorder; return the list it appends each record to."""
    records: list[Produced] = []

    async def record(
        topic: str, value: bytes, key: bytes | None = None, partition: int | None = None, headers: Any = None
    ) -> None:
        records.append(Produced(topic, value, key, partition, list(headers or ())))

    monkeypatch.setattr(service, "send", record)
    return records
