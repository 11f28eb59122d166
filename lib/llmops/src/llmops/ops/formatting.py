"""Render events as aligned table lines or JSON lines.

Table lines are for eyes (one line per event, long values cut to their column); JSON
lines are for ``jq`` and keep everything: bytes as base64, headers as text when they
are UTF-8 and as hex otherwise.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import orjson

from llmops.ops.event_view import EventView, text_or_hex
from llmops.ops.summary import Summary

COLUMNS = (("TIME (UTC)", 24), ("P:OFFSET", 10), ("REQUEST ID", 36), ("TENANT", 12), ("MODEL", 20))
ACTION_WIDTH = 8


def utc_iso(epoch_ms: int) -> str:
    """``2026-11-22T03:04:05.678Z``."""
    instant = datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)
    return instant.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"


def fit(text: str | None, width: int) -> str:
    """``text`` padded or cut (with an ellipsis) to exactly ``width`` characters; ``-`` when absent."""
    value = "-" if text is None or text == "" else text
    if len(value) > width:
        value = value[: width - 1] + "…"
    return value.ljust(width)


def table_header() -> str:
    """The header line of :func:`table_line`."""
    cells = [fit(name, width) for name, width in COLUMNS]
    return " ".join([*cells, fit("ACTION", ACTION_WIDTH), "DETAIL"])


def table_line(view: EventView, summary: Summary) -> str:
    """One aligned line: time, partition:offset, request id, tenant, model, action, detail."""
    values = (utc_iso(view.timestamp_ms), view.position, summary.request_id, summary.tenant, summary.model)
    cells = [fit(value, width) for value, (_, width) in zip(values, COLUMNS, strict=True)]
    return " ".join([*cells, fit(summary.action, ACTION_WIDTH), summary.detail])


def json_line(view: EventView) -> str:
    """The whole event as one JSON object (see the module docstring for bytes)."""
    body: dict[str, Any] = {
        "topic": view.topic,
        "partition": view.partition,
        "offset": view.offset,
        "timestamp": utc_iso(view.timestamp_ms),
        "key": text_or_hex(view.key, "hex:"),
        "headers": {k: text_or_hex(v, "hex:") for k, v in view.headers},
    }
    if view.event is None:
        body |= {"undecodable": view.error, "value_hex_prefix": view.hex_prefix}
    else:
        body |= {"schema": view.schema, "event": view.event}
    if view.inner is not None:
        body["payload_event"] = view.inner
    return orjson.dumps(body, default=_bytes_as_base64).decode()


def _bytes_as_base64(value: Any) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode()
    raise TypeError(f"cannot serialise {type(value).__name__}")
