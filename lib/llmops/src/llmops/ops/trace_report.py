"""Render a trace: one line per hop with the latency since the previous hop, then the audit state."""

from __future__ import annotations

from typing import Any

import orjson

from llmops.ops.audit_state import AuditState
from llmops.ops.formatting import fit, utc_iso
from llmops.ops.summary import summarize
from llmops.ops.trace import Hop


def hop_name(hop: Hop) -> str:
    """What the hop is: ``request``, ``rewrite request``, ``completion``, ``dead letter (inference)``..."""
    view = hop.view
    if view.event is None:
        return "undecodable"
    if view.schema == "dead_letter":
        return f"dead letter ({view.event['service']})"
    rewrite = (view.key or b"").endswith(b":rewrite")
    return f"rewrite {view.schema}" if rewrite else str(view.schema)


def render_trace(request_id: str, hops: list[Hop], audit: AuditState | None) -> list[str]:
    """The human report of :func:`llmops.ops.trace.find_hops`'s result."""
    first = summarize(hops[0].view)
    lines = [f"request {request_id}  tenant {first.tenant or '-'}  model {first.model or '-'}"]
    lines.append(
        "  "
        + " ".join([fit("TIME (UTC)", 24), fit("+MS", 8), fit("HOP", 24), fit("TOPIC:P:OFFSET", 28)])
        + " DETAIL"
    )
    for hop in hops:
        view = hop.view
        delta = "" if hop.since_previous_ms is None else f"+{hop.since_previous_ms}"
        where = f"{view.topic}:{view.position}"
        cells = [fit(utc_iso(view.timestamp_ms), 24), fit(delta, 8), fit(hop_name(hop), 24), fit(where, 28)]
        lines.append("  " + " ".join(cells) + " " + summarize(view).detail)
    total = hops[-1].view.timestamp_ms - hops[0].view.timestamp_ms
    lines.append(f"{len(hops)} hops, {total} ms from first to last")
    if audit is not None:
        lines.append(f"audit record: {audit.describe()}")
    return lines


def trace_json(request_id: str, hops: list[Hop], audit: AuditState | None) -> str:
    """The trace as one JSON object (hops with topic, position, time, latency, summary)."""
    body: dict[str, Any] = {
        "request_id": request_id,
        "hops": [
            {
                "hop": hop_name(hop),
                "topic": hop.view.topic,
                "partition": hop.view.partition,
                "offset": hop.view.offset,
                "timestamp": utc_iso(hop.view.timestamp_ms),
                "since_previous_ms": hop.since_previous_ms,
                "detail": summarize(hop.view).detail,
            }
            for hop in hops
        ],
        "audit": None if audit is None else audit.__dict__,
    }
    return orjson.dumps(body).decode()
