"""``--tenant``, ``--request-id`` and ``--action`` as one predicate over summaries.

A filter on a column an event does not have excludes the event (``--action block``
shows only responses, and dead letters of responses): an operator asking for blocked
requests does not want every request and completion on the screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from llmops.ops.summary import Summary


@dataclass(frozen=True)
class EventFilter:
    """All given criteria must hold; an empty filter lets everything through.

    Attributes:
        tenant: Exact tenant.
        request_id: Exact request id (the rewrite request ``<id>:rewrite`` matches too).
        action: Guardrail action (allow, redact, block), case-insensitive.
    """

    tenant: str | None = None
    request_id: str | None = None
    action: str | None = None

    def matches(self, summary: Summary) -> bool:
        """True when ``summary`` meets every criterion given."""
        if self.tenant is not None and summary.tenant != self.tenant:
            return False
        if self.request_id is not None and summary.request_id not in (
            self.request_id,
            f"{self.request_id}:rewrite",
        ):
            return False
        return self.action is None or (summary.action or "").lower() == self.action.lower()
