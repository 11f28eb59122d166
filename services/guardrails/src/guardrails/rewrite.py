"""Content moderation with paraphrase, over Kafka.

The flow (policy ``moderation: paraphrase``):

1. A completion's output is flagged only by moderation categories (toxic, self-harm,
   banned terms) and its prompt passed. Instead of answering, guardrails produces a
   *rewrite request* to ``llm.requests.v1``: request id ``<original>:rewrite``, the
   tenant's rewrite instruction as system turn, the output (PII already redacted) as
   user turn, the original's params, deadline and ``reply_to`` (so the final answer
   still goes where the caller waits), and metadata markers below.
2. Inference treats it as any request and produces its completion to ``llm.completions.v1``.
3. Guardrails sees ``llmops.rewrite_of`` on the completion's request, scans the new
   output once more and answers under the *original* request id: released if clean,
   blocked if still flagged (never a second rewrite), blocked if inference failed.

Only redacted text and findings (no raw text) travel in the markers, so the rewrite
request is as safe to audit as the response.
"""

from __future__ import annotations

import json

from llmops.clock import now_ms
from llmops.events import ChatMessage, Finding, LlmRequest

REWRITE_OF = "llmops.rewrite_of"
PROMPT_REDACTED = "llmops.prompt_redacted"
PROMPT_SHA256 = "llmops.prompt_sha256"
EARLIER_FINDINGS = "llmops.findings"
EARLIER_ACTION = "llmops.input_action"
MODERATION_CATEGORIES = frozenset({"toxic", "self_harm", "banned_topic", "competitor"})


def rewrite_request(
    original: LlmRequest,
    instruction: str,
    flagged_text: str,
    carried: dict[str, str],
    findings: list[Finding],
) -> LlmRequest:
    """The request that asks inference to rewrite ``flagged_text`` (already free of PII)."""
    metadata = {
        **original["metadata"],
        **carried,
        REWRITE_OF: original["request_id"],
        EARLIER_FINDINGS: json.dumps(findings, separators=(",", ":")),
    }
    return {
        **original,
        "request_id": f"{original['request_id']}:rewrite",
        "messages": [
            ChatMessage(role="system", content=instruction),
            ChatMessage(role="user", content=flagged_text),
        ],
        "prompt": None,
        "idempotency_key": None,
        "metadata": metadata,
        "created_at": now_ms(),
    }


def earlier_findings(request: LlmRequest) -> list[Finding]:
    """Findings of the first pass, carried on a rewrite request."""
    raw = request["metadata"].get(EARLIER_FINDINGS)
    return list(json.loads(raw)) if raw else []
