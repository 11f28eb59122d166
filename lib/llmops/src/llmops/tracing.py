"""W3C trace context: create and propagate ``traceparent`` headers."""

from __future__ import annotations

import os
import re

from llmops.dead_letter import RawEvent

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")


def new_traceparent(trace_id: str | None = None) -> str:
    """Return a sampled ``traceparent`` for a new span (in a new trace unless ``trace_id`` is given)."""
    return f"00-{trace_id or os.urandom(16).hex()}-{os.urandom(8).hex()}-01"


def trace_id_of(traceparent: str | None) -> str | None:
    """Return the trace id of a valid ``traceparent`` header, else None."""
    match = _TRACEPARENT.match(traceparent or "")
    return match.group(1) if match else None


def propagate(raw: RawEvent) -> list[tuple[str, bytes]]:
    """Headers to put on the output of ``raw``: its ``traceparent``, continued as a child span."""
    for key, value in raw.headers:
        if key == "traceparent" and value is not None:
            trace_id = trace_id_of(value.decode(errors="replace"))
            if trace_id:
                return [("traceparent", new_traceparent(trace_id).encode())]
    return []
