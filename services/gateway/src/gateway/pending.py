"""Requests of this replica awaiting their response, bounded and visible in a metric."""

from __future__ import annotations

import asyncio

from gateway.errors import ApiError
from gateway.metric_defs import PENDING_REPLIES
from llmops.events import LlmResponse


class PendingReplies:
    """Futures keyed by request id, resolved by the reply listener.

    Args:
        limit: Most requests that may wait at once; more get 503 instead of growing
            memory without bound.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._waiting: dict[str, asyncio.Future[LlmResponse]] = {}

    def register(self, request_id: str) -> asyncio.Future[LlmResponse]:
        """Start waiting for ``request_id``; must be paired with :meth:`forget`.

        Raises:
            ApiError: 503 when the bound is reached.
        """
        if len(self._waiting) >= self.limit:
            raise ApiError(
                503,
                "gateway is at its pending-request limit, retry shortly",
                "api_error",
                "overloaded",
                headers={"Retry-After": "1"},
            )
        future: asyncio.Future[LlmResponse] = asyncio.get_running_loop().create_future()
        self._waiting[request_id] = future
        PENDING_REPLIES.set(len(self._waiting))
        return future

    def resolve(self, response: LlmResponse) -> bool:
        """Deliver a response; False when nobody here waits for it (timed out or another replica's)."""
        future = self._waiting.get(response["request_id"])
        if future is None or future.done():
            return False
        future.set_result(response)
        return True

    def forget(self, request_id: str) -> None:
        """Stop waiting (after an answer, a timeout or a cancelled caller)."""
        self._waiting.pop(request_id, None)
        PENDING_REPLIES.set(len(self._waiting))

    def __len__(self) -> int:
        return len(self._waiting)
