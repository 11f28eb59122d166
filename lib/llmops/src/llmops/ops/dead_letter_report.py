"""``llmops deadletter show``: a dead letter in full, its payload decoded or as a hex dump."""

from __future__ import annotations

import orjson

from llmops.ops.event_view import EventView, text_or_hex
from llmops.ops.formatting import utc_iso
from llmops.ops.summary import summarize
from llmops.replay_marker import REPLAY_OF

HEX_DUMP_BYTES = 256


def describe(view: EventView) -> list[str]:
    """Every field of a dead letter, its headers and its payload (decoded JSON, or a hex dump)."""
    if view.event is None:
        return [
            f"{view.position}: undecodable dead-letter event: {view.error}",
            f"value hex {view.hex_prefix}",
        ]
    e = view.event
    lines = [
        f"dead letter      {view.position} at {utc_iso(e['created_at'])}",
        f"service          {e['service']}",
        f"source           {e['source_topic']}:{e['source_partition']}:{e['source_offset']}",
        f"source key       {summarize(view).request_id or '-'}",
        f"error            {e['error_type']}: {e['error']}",
    ]
    for header in e["headers"]:
        label = "replay of" if header["key"] == REPLAY_OF else "header"
        value = "(null)" if header["value"] is None else text_or_hex(header["value"], "hex:")
        lines.append(f"{label:<16} {header['key']}={value}")
    return lines + _payload_lines(view)


def _payload_lines(view: EventView) -> list[str]:
    payload: bytes = (view.event or {})["payload"]
    if view.inner is not None:
        decoded = orjson.dumps(view.inner, option=orjson.OPT_INDENT_2, default=_hex).decode()
        return [f"payload          {len(payload)} bytes, decoded:", decoded]
    shown = payload[:HEX_DUMP_BYTES]
    lines = [f"payload          {len(payload)} bytes, not decodable; hex:"]
    lines += [f"  {i:04x}  {shown[i : i + 16].hex(' ')}" for i in range(0, len(shown), 16)]
    if len(payload) > HEX_DUMP_BYTES:
        lines.append(f"  … {len(payload) - HEX_DUMP_BYTES} more bytes")
    return lines


def _hex(value: object) -> str:
    if isinstance(value, bytes):
        return "hex:" + value.hex()
    raise TypeError(type(value).__name__)
