"""Hand guarded responses to their callers: settle them in Redis first, then wake the waiters.

Settling first (quota reconciled, result stored, one pipelined round trip per batch)
means a caller that got its answer always finds it stored too, for ``GET
/v1/requests/{id}`` and idempotent retries. Responses nobody here waits for (the
caller timed out) are settled all the same.
"""

from __future__ import annotations

import logging

from gateway.ledger import Settlement, TenantLedger
from gateway.metric_defs import REPLIES_UNMATCHED
from gateway.pending import PendingReplies
from gateway.results import guarded_result, tokens_used
from llmops.events import LlmResponse

log = logging.getLogger(__name__)


class ReplyDelivery:
    """Settle and deliver batches of responses.

    Args:
        ledger: Where responses are settled and results stored.
        pending: Where waiting callers are.
    """

    def __init__(self, ledger: TenantLedger, pending: PendingReplies) -> None:
        self.ledger = ledger
        self.pending = pending

    async def deliver(self, responses: list[LlmResponse]) -> None:
        """Settle a batch, then resolve every waiting caller (even if Redis failed)."""
        settlements = [_settlement(response) for response in responses]
        try:
            await self.ledger.settle(settlements)
        except Exception as exc:  # callers must still get their answers
            log.error("responses not settled in Redis", extra={"error": str(exc), "count": len(settlements)})
        for response in responses:
            if not self.pending.resolve(response):
                REPLIES_UNMATCHED.inc()


def _settlement(response: LlmResponse) -> Settlement:
    result = guarded_result(response)
    return Settlement(
        response["tenant"],
        response["request_id"],
        response["request_created_at"],
        tokens_used(result),
        result,
        failed=result["error"] is not None,
    )
