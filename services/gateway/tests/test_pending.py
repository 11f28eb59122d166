"""PendingReplies: bounded waiting room for replies, mirrored in a gauge."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from gateway.errors import ApiError
from gateway.pending import PendingReplies
from llmops.events import LlmResponse


def _gauge() -> float | None:
    return REGISTRY.get_sample_value("llmops_gateway_pending_replies")


async def test_registered_request_is_resolved_with_its_response(response: LlmResponse) -> None:
    pending = PendingReplies(limit=4)
    waiting = pending.register(response["request_id"])

    assert not waiting.done()
    assert pending.resolve(response) is True
    assert await waiting == response


async def test_second_resolve_of_the_same_request_is_refused(response: LlmResponse) -> None:
    pending = PendingReplies(limit=4)
    pending.register(response["request_id"])
    pending.resolve(response)

    assert pending.resolve({**response, "text": "a duplicate delivery"}) is False


async def test_unknown_or_forgotten_request_is_not_resolved(response: LlmResponse) -> None:
    pending = PendingReplies(limit=4)
    assert pending.resolve(response) is False

    waiting = pending.register(response["request_id"])
    pending.forget(response["request_id"])

    assert pending.resolve(response) is False
    assert not waiting.done()
    assert len(pending) == 0


async def test_forgetting_an_unknown_request_is_harmless() -> None:
    pending = PendingReplies(limit=1)

    pending.forget("never-registered")

    assert len(pending) == 0


@pytest.mark.parametrize("limit", [1, 3])
async def test_register_past_the_limit_is_a_503_with_retry_after(limit: int) -> None:
    pending = PendingReplies(limit=limit)
    for i in range(limit):
        pending.register(f"req-{i}")

    with pytest.raises(ApiError) as caught:
        pending.register("one-too-many")

    assert caught.value.status == 503
    assert caught.value.code == "overloaded"
    assert caught.value.headers["Retry-After"] == "1"
    assert len(pending) == limit


async def test_a_forgotten_request_frees_its_slot() -> None:
    pending = PendingReplies(limit=1)
    pending.register("req-0")
    pending.forget("req-0")

    pending.register("req-1")

    assert len(pending) == 1


async def test_gauge_follows_the_number_waiting(response: LlmResponse) -> None:
    pending = PendingReplies(limit=10)

    pending.register("req-a")
    assert _gauge() == 1.0
    pending.register("req-b")
    pending.register(response["request_id"])
    assert _gauge() == 3.0
    pending.resolve(response)
    assert _gauge() == 3.0, "a resolved request still waits until its caller forgets it"
    pending.forget(response["request_id"])
    pending.forget("req-a")
    assert _gauge() == 1.0
    pending.forget("req-b")
    assert _gauge() == 0.0
