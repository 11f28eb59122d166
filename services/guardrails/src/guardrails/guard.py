"""The guardrails step: a completion in, a guarded response out.

Input rails scan the prompt (its redacted form is what audit stores); output rails scan
the generated text, whose redacted or blocked form is all that leaves this service.
"""

from __future__ import annotations

import hashlib
import time

from guardrails.chain import ScannerChain
from guardrails.scanner import SEVERITY, Action
from llmops.clock import now_ms
from llmops.events import LlmCompletion, LlmRequest, LlmResponse

BLOCK_MESSAGE = "This response was blocked by the content policy."


def prompt_text(request: LlmRequest) -> str:
    """The text the input rails scan: the prompt, or the chat turns joined by newlines."""
    if request["messages"]:
        return "\n".join(m["content"] for m in request["messages"])
    return request["prompt"] or ""


class Guard:
    """Apply the input and output chains to completions.

    Args:
        input_chain: Scanners for the prompt.
        output_chain: Scanners for the generated text.
        policy_version: Recorded on every response.
    """

    def __init__(self, input_chain: ScannerChain, output_chain: ScannerChain, policy_version: str) -> None:
        self.input_chain = input_chain
        self.output_chain = output_chain
        self.policy_version = policy_version

    def respond(self, completion: LlmCompletion) -> LlmResponse:
        """Build the response event for ``completion``."""
        started = time.perf_counter()
        prompt = prompt_text(completion["request"])
        inbound = self.input_chain.run(prompt)
        outbound = self.output_chain.run(completion["text"])
        action = max((inbound.action, outbound.action), key=SEVERITY.__getitem__)
        text = BLOCK_MESSAGE if action is Action.BLOCK else outbound.text
        return {
            "request_id": completion["request_id"],
            "tenant": completion["tenant"],
            "model": completion["model"],
            "text": text,
            "action": action.value,
            "reason_code": inbound.reason_code or outbound.reason_code,
            "findings": [*inbound.findings, *outbound.findings],
            "policy_version": self.policy_version,
            "finish_reason": completion["finish_reason"],
            "usage": completion["usage"],
            "cost_usd": completion["cost_usd"],
            "fallback": completion["fallback"],
            "error": completion["error"],
            "prompt_redacted": inbound.text,
            "prompt_sha256": hashlib.sha256(prompt.encode()).hexdigest(),
            "output_sha256": hashlib.sha256(completion["text"].encode()).hexdigest(),
            "guardrails_ms": (time.perf_counter() - started) * 1000,
            "request_created_at": completion["request"]["created_at"],
            "completion_created_at": completion["created_at"],
            "created_at": now_ms(),
        }
