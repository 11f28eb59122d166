"""The direct-delivery faust consumer: it replaces the fetch loop of the pinned faust only,
hands a delivery that must wait to faust's race intact, and is what the app factory installs."""

from __future__ import annotations

import asyncio
from typing import Any

import faust
import pytest
from faust.transport.drivers import aiokafka as faust_aiokafka

from llmops import faust_consumer
from llmops.faust_app import create_faust_app
from llmops.settings import ServiceSettings


def test_the_installed_faust_loop_is_the_one_replaced() -> None:
    """Fails on a faust upgrade that changed ``Consumer._drain_messages``: compare the new
    loop with :class:`DirectDeliveryConsumer`'s copy, port the change, update the digest."""
    assert faust.__version__ == "0.15.3"
    assert faust_consumer.drain_messages_digest() == faust_consumer.DRAIN_MESSAGES_SHA256
    assert faust_consumer.supported()


@pytest.mark.parametrize(
    ("direct", "consumer"), [(True, faust_consumer.DirectDeliveryConsumer), (False, faust_aiokafka.Consumer)]
)
def test_the_app_factory_installs_it_unless_turned_off(direct: bool, consumer: type) -> None:
    settings = ServiceSettings(kafka_bootstrap="127.0.0.1:9092", http_port=1, faust_direct_delivery=direct)
    app = create_faust_app("direct-delivery-test", settings)
    assert app.transport.Consumer is consumer


def test_an_unknown_loop_keeps_fausts_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(faust_consumer, "DRAIN_MESSAGES_SHA256", "0" * 64)
    app = create_faust_app(
        "direct-delivery-test", ServiceSettings(kafka_bootstrap="127.0.0.1:9092", http_port=1)
    )
    assert app.transport.Consumer is faust_aiokafka.Consumer


async def _waits_for(gate: asyncio.Future[str], trail: list[str]) -> str:
    trail.append("started")
    try:
        value = await gate
    except asyncio.CancelledError:
        trail.append("cancelled")
        raise
    trail.append("finished")
    return value


def _started(gate: asyncio.Future[str], trail: list[str]) -> tuple[Any, Any]:
    """A delivery run up to its first suspension, as the fetch loop does."""
    delivery = _waits_for(gate, trail)
    return delivery, delivery.send(None)


async def test_a_delivery_that_waits_finishes_in_the_race_with_its_value() -> None:
    gate: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    trail: list[str] = []
    delivery, awaiting = _started(gate, trail)
    task = asyncio.ensure_future(faust_consumer._finish(delivery, awaiting))
    await asyncio.sleep(0)
    assert not task.done()
    gate.set_result("delivered")
    assert await task == "delivered"
    assert trail == ["started", "finished"]


async def test_a_delivery_cut_short_by_a_rebalance_is_cancelled_where_it_waits() -> None:
    gate: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    trail: list[str] = []
    delivery, awaiting = _started(gate, trail)
    task = asyncio.ensure_future(faust_consumer._finish(delivery, awaiting))
    await asyncio.sleep(0)
    task.cancel()  # what ``wait_first`` does to the loser when ``suspend_flow`` wins
    with pytest.raises(asyncio.CancelledError):
        await task
    assert gate.cancelled()
    assert trail == ["started", "cancelled"]


async def test_a_failing_delivery_raises_through_the_race() -> None:
    gate: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    delivery, awaiting = _started(gate, [])
    task = asyncio.ensure_future(faust_consumer._finish(delivery, awaiting))
    await asyncio.sleep(0)
    gate.set_exception(ValueError("undecodable"))
    with pytest.raises(ValueError, match="undecodable"):
        await task
