"""The columns an operator needs per event: request id, tenant, model, action, detail.

One small function per schema picks what matters on that topic (finish reason and
tokens on a completion, the guardrail action and categories on a response, the
service and reason on a dead letter), so ``tail`` and ``trace`` print one dense line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from llmops.ops.event_view import EventView, text_or_hex


@dataclass(frozen=True)
class Summary:
    """The table columns of one event; ``None`` where the schema has no such field."""

    request_id: str | None
    tenant: str | None
    model: str | None
    action: str | None
    detail: str


def summarize(view: EventView) -> Summary:
    """The columns of ``view``; undecodable events keep their key and show the reason."""
    if view.event is None or view.schema is None:
        key = text_or_hex(view.key)
        return Summary(key, None, None, None, f"UNDECODABLE: {view.error} (value hex {view.hex_prefix})")
    build = _BY_SCHEMA.get(view.schema, _generic)
    return build(view.event, view)


def _request(e: dict[str, Any], _: EventView) -> Summary:
    parts = [f"messages={len(e['messages'])}", f"max_tokens={e['params']['max_tokens']}"]
    rewrite_of = e["metadata"].get("llmops.rewrite_of")
    if rewrite_of:
        parts.append(f"rewrite_of={rewrite_of}")
    if e.get("fallback_requested"):
        parts.append(f"fallback={e.get('fallback_reason')}")
    return Summary(e["request_id"], e["tenant"], e["model"], None, " ".join(parts))


def _completion(e: dict[str, Any], _: EventView) -> Summary:
    usage, model = e["usage"], e["model"]
    detail = (
        f"{e['finish_reason']} tokens={usage['input_tokens']}/{usage['output_tokens']} "
        f"total={e['timings']['total_ms']:.0f}ms backend={model['backend']}"
    )
    if model.get("canary"):
        detail += " canary"
    if e.get("error"):
        detail += f" error={e['error']['code']}"
    return Summary(e["request_id"], e["tenant"], f"{model['alias']}@{model['version']}", None, detail)


def _response(e: dict[str, Any], _: EventView) -> Summary:
    flagged = sorted({f["category"] for f in e["findings"] if f["action"] != "allow"})
    detail = f"guardrails={e['guardrails_ms']:.1f}ms"
    if e.get("reason_code"):
        detail += f" reason={e['reason_code']}"
    if flagged:
        detail += f" categories={','.join(flagged)}"
    if e.get("error"):
        detail += f" error={e['error']['code']}"
    return Summary(e["request_id"], e["tenant"], e["model"]["alias"], e["action"], detail)


def _dead_letter(e: dict[str, Any], view: EventView) -> Summary:
    inner = view.inner or {}
    source = f"{e['source_topic']}:{e['source_partition']}:{e['source_offset']}"
    detail = f"{e['service']} dead-lettered {source}: {e['error_type']}: {e['error']}"
    model = inner.get("model")
    return Summary(
        inner.get("request_id") or text_or_hex(e["source_key"]),
        inner.get("tenant"),
        model.get("alias") if isinstance(model, dict) else model,
        inner.get("action"),
        detail,
    )


def _drift_report(e: dict[str, Any], _: EventView) -> Summary:
    verdict = "DRIFTED" if e["drifted"] else "ok"
    detail = f"{e['feature']} {e['test']}={e['score']:.4f} threshold={e['threshold']:.4f} {verdict}"
    return Summary(None, e.get("tenant"), f"{e['model']}@{e['model_version']}", None, detail)


def _retrain_trigger(e: dict[str, Any], _: EventView) -> Summary:
    detail = f"{e['reason']} after {e['consecutive_windows']} windows"
    return Summary(None, None, f"{e['model']}@{e['model_version']}", None, detail)


def _generic(e: dict[str, Any], view: EventView) -> Summary:
    return Summary(e.get("request_id"), e.get("tenant"), None, e.get("action"), str(view.schema))


_BY_SCHEMA: dict[str, Callable[[dict[str, Any], EventView], Summary]] = {
    "request": _request,
    "completion": _completion,
    "response": _response,
    "dead_letter": _dead_letter,
    "drift_report": _drift_report,
    "retrain_trigger": _retrain_trigger,
}
