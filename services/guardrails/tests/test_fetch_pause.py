"""The pause after an empty fetch: only after fetches without records, installed once."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from aiokafka.consumer import fetcher

from guardrails import fetch_pause


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """Record the pauses instead of sleeping; restore aiokafka's fetcher afterwards."""
    recorded: list[float] = []

    async def record(seconds: float) -> None:
        recorded.append(seconds)

    original = fetcher.Fetcher._proc_fetch_request
    monkeypatch.setattr(asyncio, "sleep", record)
    yield recorded
    fetcher.Fetcher._proc_fetch_request = original
    fetch_pause.install(0.0)


@pytest.mark.parametrize(("got_records", "pauses"), [(False, [0.004]), (True, [])])
def test_pauses_only_after_a_fetch_without_records(
    sleeps: list[float], got_records: bool, pauses: list[float]
) -> None:
    async def fetch(*args: Any) -> bool:
        return got_records

    fetch_pause.install(0.004)

    assert asyncio.run(fetch_pause.paused(fetch)("fetcher", "assignment", 1, "request")) is got_records
    assert sleeps == pauses


def test_install_wraps_aiokafkas_fetch_once_and_zero_turns_the_pause_off(sleeps: list[float]) -> None:
    assert fetch_pause.install(0.004)
    wrapped = fetcher.Fetcher._proc_fetch_request
    assert fetch_pause.install(0.0)

    assert fetcher.Fetcher._proc_fetch_request is wrapped  # not wrapped twice
    assert getattr(wrapped, "_llmops_paused", False)

    async def empty(*args: Any) -> bool:
        return False

    asyncio.run(fetch_pause.paused(empty)())
    assert sleeps == []
