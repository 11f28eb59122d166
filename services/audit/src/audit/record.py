"""The audit record of one inference: the facts of the stages seen, merged.

A record is ``complete`` when request, completion and response were all seen, and
``incomplete`` otherwise (written after the join timeout), with ``missing`` naming the
stages that never arrived. Latencies are computed from the stage timestamps that exist.
"""

from __future__ import annotations

from typing import Any

from audit.facts import Facts

STAGES = ("request", "completion", "response")
EMBEDDED_REQUEST = "request_embedded"
"""Pseudo-stage: the request facts read from the copy of the request a completion embeds,
used when the request event itself has not (yet) been seen."""


def merge_facts(base: Facts, extra: Facts) -> Facts:
    """Merge ``extra`` into a copy of ``base``; nested objects merge, ``None`` never overwrites."""
    merged = dict(base)
    for key, value in extra.items():
        current = merged.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            merged[key] = merge_facts(current, value)
        elif value is not None or key not in merged:
            merged[key] = value
    return merged


def build_record(facts_by_stage: dict[str, Facts], audit_version: str) -> dict[str, Any]:
    """Merge the facts of the stages seen (in stage order) into one audit record.

    Args:
        facts_by_stage: Facts keyed by stage name (``request``, ``completion``, ``response``).
        audit_version: Version of the audit service, recorded with the record.
    """
    record: dict[str, Any] = {}
    for stage in (EMBEDDED_REQUEST, *STAGES):
        if stage in facts_by_stage:
            record = merge_facts(record, facts_by_stage[stage])
    missing = [stage for stage in STAGES if stage not in facts_by_stage]
    record["status"] = "incomplete" if missing else "complete"
    record["missing"] = missing
    record["latency_ms"] = stage_latencies(record.get("timestamps", {}))
    record["service_versions"] = {"audit": audit_version}
    record.setdefault("@timestamp", record.get("timestamps", {}).get("request"))
    return record


def stage_latencies(timestamps: dict[str, int | None]) -> dict[str, int]:
    """Milliseconds between the stages whose timestamps are known."""
    spans = {
        "inference": ("request", "completion"),
        "guardrails": ("completion", "response"),
        "total": ("request", "response"),
    }
    latencies = {}
    for name, (start, end) in spans.items():
        begin, finish = timestamps.get(start), timestamps.get(end)
        if begin is not None and finish is not None:
            latencies[name] = finish - begin
    return latencies
