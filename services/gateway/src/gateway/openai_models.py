"""OpenAI's request shapes (the subset the platform serves) and response builders."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from llmops.events import LlmResponse


class ChatMessageIn(BaseModel):
    """One chat turn as OpenAI accepts it (text content)."""

    model_config = ConfigDict(extra="ignore")
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str = Field(max_length=200_000)


class ResponseFormat(BaseModel):
    """OpenAI's ``response_format``."""

    type: Literal["text", "json_object", "json_schema"] = "text"


class ChatCompletionRequest(BaseModel):
    """Body of ``POST /v1/chat/completions``."""

    model_config = ConfigDict(extra="ignore")
    model: str = Field(min_length=1, max_length=200)
    messages: list[ChatMessageIn] = Field(min_length=1, max_length=256)
    max_tokens: int | None = Field(default=None, ge=1, le=32_768)
    max_completion_tokens: int | None = Field(default=None, ge=1, le=32_768)
    temperature: float | None = Field(default=None, ge=0.0, le=2.0)
    top_p: float | None = Field(default=None, gt=0.0, le=1.0)
    stop: str | list[str] | None = None
    seed: int | None = None
    user: str | None = Field(default=None, max_length=256)
    stream: bool = False
    response_format: ResponseFormat | None = None
    metadata: dict[str, str] | None = None

    def stop_list(self) -> list[str]:
        """Stop sequences as a list."""
        if self.stop is None:
            return []
        return [self.stop] if isinstance(self.stop, str) else list(self.stop)


FINISH_REASONS = {"stop": "stop", "length": "length", "eos_token": "stop", "stop_sequence": "stop"}


def chat_completion_body(response: LlmResponse, created_s: int) -> dict[str, Any]:
    """OpenAI ``chat.completion`` object for a guarded response."""
    usage = response["usage"]
    finish = (
        "content_filter"
        if response["action"] == "block"
        else FINISH_REASONS.get(response["finish_reason"], "stop")
    )
    return {
        "id": f"chatcmpl-{response['request_id']}",
        "object": "chat.completion",
        "created": created_s,
        "model": response["model"]["alias"],
        "system_fingerprint": f"{response['model']['version']}:{response['policy_version']}",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": response["text"]},
                "finish_reason": finish,
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": usage["input_tokens"],
            "completion_tokens": usage["output_tokens"],
            "total_tokens": usage["input_tokens"] + usage["output_tokens"],
        },
        "llmops": {
            "action": response["action"],
            "reason_code": response["reason_code"],
            "request_id": response["request_id"],
        },
    }
