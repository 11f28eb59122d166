"""Guarded results: what a caller may read, and OpenAI's response shapes built from it.

A result is derived from the guarded response only (the text after output rails,
usage, verdict, lineage): it never carries the prompt or any pre-guardrail text, so
it is safe to keep in Redis for ``GET /v1/requests/{id}`` and idempotent retries.
The synchronous answer and the stored one are rendered by the same functions.
"""

from __future__ import annotations

from typing import Any

from llmops.events import LlmResponse

FINISH_REASONS = {"stop": "stop", "length": "length", "eos_token": "stop", "stop_sequence": "stop"}


def guarded_result(response: LlmResponse) -> dict[str, Any]:
    """The caller-readable part of a guarded response."""
    error = response["error"]
    usage = response["usage"]
    finish = (
        "content_filter"
        if response["action"] == "block"
        else FINISH_REASONS.get(response["finish_reason"], "stop")
    )
    return {
        "request_id": response["request_id"],
        "model": response["model"]["alias"],
        "system_fingerprint": f"{response['model']['version']}:{response['policy_version']}",
        "text": response["text"],
        "action": response["action"],
        "reason_code": response["reason_code"],
        "finish_reason": finish,
        "fallback": response["fallback"],
        "usage": {"prompt_tokens": usage["input_tokens"], "completion_tokens": usage["output_tokens"]},
        "error": None
        if error is None
        else {"status": error["http_status"], "message": error["message"], "code": error["code"]},
    }


def tokens_used(result: dict[str, Any]) -> int:
    """Prompt plus completion tokens of a result (what quotas are charged)."""
    usage: dict[str, int] = result["usage"]
    return usage["prompt_tokens"] + usage["completion_tokens"]


def _usage(result: dict[str, Any]) -> dict[str, int]:
    usage = result["usage"]
    return {**usage, "total_tokens": usage["prompt_tokens"] + usage["completion_tokens"]}


def _extension(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "action": result["action"],
        "reason_code": result["reason_code"],
        "request_id": result["request_id"],
        "fallback": result["fallback"],
    }


def chat_completion_body(result: dict[str, Any], created_s: int) -> dict[str, Any]:
    """OpenAI ``chat.completion`` object."""
    return {
        "id": f"chatcmpl-{result['request_id']}",
        "object": "chat.completion",
        "created": created_s,
        "model": result["model"],
        "system_fingerprint": result["system_fingerprint"],
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": result["text"]},
                "finish_reason": result["finish_reason"],
                "logprobs": None,
            }
        ],
        "usage": _usage(result),
        "llmops": _extension(result),
    }


def text_completion_body(result: dict[str, Any], created_s: int) -> dict[str, Any]:
    """OpenAI ``text_completion`` object (legacy completions API)."""
    return {
        "id": f"cmpl-{result['request_id']}",
        "object": "text_completion",
        "created": created_s,
        "model": result["model"],
        "system_fingerprint": result["system_fingerprint"],
        "choices": [
            {"index": 0, "text": result["text"], "finish_reason": result["finish_reason"], "logprobs": None}
        ],
        "usage": _usage(result),
        "llmops": _extension(result),
    }


def body_for(kind: str, result: dict[str, Any], created_s: int) -> dict[str, Any]:
    """The OpenAI body of a result of ``kind`` (``chat`` or ``completion``)."""
    return (chat_completion_body if kind == "chat" else text_completion_body)(result, created_s)
