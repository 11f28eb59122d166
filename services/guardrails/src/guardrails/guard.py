"""The guardrails step: a completion in, a guarded response (or a rewrite request) out.

Input rails scan the prompt (its redacted form is what audit stores); output rails scan
the generated text, whose redacted or blocked form is all that leaves this service.
"""

from __future__ import annotations

import functools
import hashlib
import time
from dataclasses import dataclass

from guardrails import metric_defs, rewrite
from guardrails.chain import ChainVerdict
from guardrails.policy import Policy, TenantRules
from guardrails.policy_model import Moderation
from guardrails.scanner import SEVERITY, Action, ScanContext
from llmops.clock import now_ms
from llmops.events import Finding, LlmCompletion, LlmRequest, LlmResponse


def prompt_text(request: LlmRequest) -> str:
    """The text the input rails scan: the prompt, or the chat turns joined by newlines."""
    if request["messages"]:
        return "\n".join(m["content"] for m in request["messages"])
    return request["prompt"] or ""


@dataclass(frozen=True)
class Decision:
    """What to produce for one completion: a response, or (paraphrase mode) a rewrite request."""

    response: LlmResponse | None = None
    rewrite: LlmRequest | None = None


class Guard:
    """Apply a tenant's input and output chains to completions.

    Args:
        policy: The loaded policy (per-tenant chains, block message, moderation mode).
    """

    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    def decide(self, completion: LlmCompletion) -> Decision:
        """Scan ``completion`` and decide what leaves the service."""
        started = time.perf_counter()
        request = completion["request"]
        rules = self.policy.for_tenant(completion["tenant"])
        if rewrite.REWRITE_OF in request["metadata"]:
            return Decision(self._stamp(self._after_rewrite(completion, rules, started)))
        prompt = prompt_text(request)
        inbound = _timed(rules, "input", prompt, request)
        outbound = (
            _timed(rules, "output", completion["text"], request) if completion["error"] is None else None
        )
        if _wants_rewrite(rules, inbound, outbound) and outbound is not None:
            carried = {rewrite.PROMPT_REDACTED: inbound.text, rewrite.PROMPT_SHA256: _sha(prompt)}
            carried[rewrite.EARLIER_ACTION] = inbound.action.value
            findings = [*inbound.findings, *outbound.findings]
            metric_defs.REWRITES.labels("requested").inc()
            _count(findings)
            return Decision(
                rewrite=rewrite.rewrite_request(
                    request, rules.rewrite_instruction, outbound.text, carried, findings
                )
            )
        findings = [*inbound.findings, *(outbound.findings if outbound else ())]
        verdicts = [v for v in (inbound, outbound) if v is not None]
        action = max((v.action for v in verdicts), key=SEVERITY.__getitem__)
        reason = inbound.reason_code or (outbound.reason_code if outbound else None)
        text = outbound.text if outbound else ""
        response = _response(
            completion, rules, action, reason, text, findings, inbound.text, _sha(prompt), started
        )
        return Decision(self._stamp(response))

    def _stamp(self, response: LlmResponse) -> LlmResponse:
        response["policy_version"] = self.policy.version
        return response

    def _after_rewrite(self, completion: LlmCompletion, rules: TenantRules, started: float) -> LlmResponse:
        request = completion["request"]
        meta = request["metadata"]
        earlier = rewrite.earlier_findings(request)
        if completion["error"] is not None:
            metric_defs.REWRITES.labels("failed").inc()
            action, reason, text, new = Action.BLOCK, "rewrite_failed", "", []
        else:
            outbound = _timed(rules, "output", completion["text"], request)
            still_flagged = outbound.action is Action.BLOCK
            metric_defs.REWRITES.labels("blocked" if still_flagged else "released").inc()
            input_action = Action(meta.get(rewrite.EARLIER_ACTION, "allow"))
            action = max((outbound.action, input_action, Action.REDACT), key=SEVERITY.__getitem__)
            reason, text, new = outbound.reason_code or "paraphrased", outbound.text, list(outbound.findings)
        original: LlmCompletion = {**completion, "request_id": meta[rewrite.REWRITE_OF]}
        return _response(
            original, rules, action, reason, text, [*earlier, *new],
            meta.get(rewrite.PROMPT_REDACTED), meta.get(rewrite.PROMPT_SHA256, ""), started,
        )  # fmt: skip


def _timed(rules: TenantRules, stage: str, text: str, request: LlmRequest) -> ChainVerdict:
    chain = rules.input_chain if stage == "input" else rules.output_chain
    wants_json = request["params"]["response_format"] == "json_object"
    started = time.perf_counter()
    verdict = chain.run(text, ScanContext(stage=stage, wants_json=wants_json))
    _scan_latency(stage).observe(time.perf_counter() - started)
    return verdict


# Labelled children looked up once per label set (labels() takes a lock and builds a key
# on every call; these run several times per message on the hot path).
_scan_latency = functools.cache(metric_defs.SCAN_LATENCY.labels)
_findings = functools.cache(metric_defs.FINDINGS.labels)
_verdicts = functools.cache(metric_defs.VERDICTS.labels)


def _wants_rewrite(rules: TenantRules, inbound: ChainVerdict, outbound: ChainVerdict | None) -> bool:
    if rules.moderation is not Moderation.PARAPHRASE or outbound is None or inbound.action is Action.BLOCK:
        return False
    if outbound.action is not Action.BLOCK:
        return False
    blocking = {f["category"] for f in outbound.findings if f["action"] == Action.BLOCK.value}
    return blocking <= rewrite.MODERATION_CATEGORIES


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _count(findings: list[Finding]) -> None:
    for finding in findings:
        _findings(finding["scanner"], finding["category"], finding["action"]).inc()


def _response(
    completion: LlmCompletion, rules: TenantRules, action: Action, reason: str | None, text: str,
    findings: list[Finding], prompt_redacted: str | None, prompt_sha256: str, started: float,
) -> LlmResponse:  # fmt: skip
    _count(findings)
    _verdicts(action.value).inc()
    return {
        "request_id": completion["request_id"],
        "tenant": completion["tenant"],
        "model": completion["model"],
        "text": rules.block_message if action is Action.BLOCK else text,
        "action": action.value,
        "reason_code": reason if action is not Action.ALLOW else None,
        "findings": findings,
        "policy_version": "",
        "finish_reason": completion["finish_reason"],
        "usage": completion["usage"],
        "cost_usd": completion["cost_usd"],
        "fallback": completion["fallback"],
        "error": completion["error"],
        "prompt_redacted": prompt_redacted,
        "prompt_sha256": prompt_sha256,
        "output_sha256": _sha(completion["text"]),
        "guardrails_ms": (time.perf_counter() - started) * 1000,
        "request_created_at": completion["request"]["created_at"],
        "completion_created_at": completion["created_at"],
        "created_at": now_ms(),
    }
