"""The explicit Elasticsearch mapping of audit records.

``dynamic: false`` keeps unknown fields in ``_source`` without indexing them, so a new
field never breaks indexing nor grows the mapping unnoticed; quota decisions (free keys
set by the gateway) are the one dynamic object, mapped as keywords.
"""

from __future__ import annotations

from typing import Any

KEYWORD = {"type": "keyword"}
LONG = {"type": "long"}
INTEGER = {"type": "integer"}
FLOAT = {"type": "float"}
DOUBLE = {"type": "double"}
BOOLEAN = {"type": "boolean"}
DATE = {"type": "date", "format": "epoch_millis"}
TEXT = {"type": "text"}


def _object(**properties: dict[str, Any]) -> dict[str, Any]:
    return {"properties": properties}


FINDING = {
    "type": "object",
    "properties": {
        "scanner": KEYWORD,
        "stage": KEYWORD,
        "category": KEYWORD,
        "score": FLOAT,
        "action": KEYWORD,
        "span_count": INTEGER,
        "latency_ms": FLOAT,
    },
}

AUDIT_MAPPINGS: dict[str, Any] = {
    "dynamic": False,
    "properties": {
        "@timestamp": DATE,
        "request_id": KEYWORD,
        "tenant": KEYWORD,
        "trace_id": KEYWORD,
        "status": KEYWORD,
        "missing": KEYWORD,
        "user": _object(hash=KEYWORD),
        "gen_ai": _object(
            operation=_object(name=KEYWORD),
            provider=_object(name=KEYWORD),
            output=_object(type=KEYWORD),
            request=_object(model=KEYWORD, max_tokens=INTEGER, temperature=FLOAT, top_p=FLOAT, seed=LONG),
            response=_object(id=KEYWORD, model=KEYWORD, finish_reasons=KEYWORD),
            usage=_object(input_tokens=INTEGER, output_tokens=INTEGER),
        ),
        "server": _object(address=KEYWORD),
        "generation": _object(stop_sequence_count=INTEGER, message_count=INTEGER),
        "model": _object(
            alias=KEYWORD,
            version=KEYWORD,
            model_id=KEYWORD,
            revision=KEYWORD,
            endpoint=KEYWORD,
            backend=KEYWORD,
            canary=BOOLEAN,
        ),
        "inference": _object(queue_ms=FLOAT, first_token_ms=FLOAT, total_ms=FLOAT, attempts=INTEGER),
        "guardrails": _object(
            action=KEYWORD,
            reason_code=KEYWORD,
            policy_version=KEYWORD,
            findings=FINDING,
            finding_categories=KEYWORD,
            latency_ms=FLOAT,
        ),
        "prompt": _object(redacted=TEXT, sha256=KEYWORD, length=INTEGER),
        "output": _object(redacted=TEXT, sha256=KEYWORD, length=INTEGER),
        "cost_usd": DOUBLE,
        "fallback": _object(requested=BOOLEAN, used=BOOLEAN, reason=KEYWORD),
        "quota": {"type": "object", "dynamic": True},
        "error": _object(type=KEYWORD, http_status=INTEGER, retriable=BOOLEAN, message_sha256=KEYWORD),
        "timestamps": _object(request=DATE, completion=DATE, response=DATE, deadline=DATE),
        "latency_ms": _object(inference=LONG, guardrails=LONG, total=LONG),
        "service_versions": _object(audit=KEYWORD),
        "chain": _object(partition=INTEGER, seq=LONG, prev_hash=KEYWORD, hash=KEYWORD, sealed_at=DATE),
    },
    "dynamic_templates": [
        {"quota_strings": {"path_match": "quota.*", "mapping": KEYWORD}},
    ],
}


def field_paths(mappings: dict[str, Any] = AUDIT_MAPPINGS, prefix: str = "") -> set[str]:
    """Every dotted field path the mapping declares (objects included)."""
    paths: set[str] = set()
    for name, spec in mappings.get("properties", {}).items():
        path = f"{prefix}{name}"
        paths.add(path)
        paths |= field_paths(spec, f"{path}.")
    return paths
