"""Calls to the model server through ``huggingface_hub.AsyncInferenceClient``.

One client per endpoint, reused for every call (connection pooling); every call is
asynchronous and bounded by a timeout, so a slow generation never blocks the
consumer loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx2
from huggingface_hub import AsyncInferenceClient
from huggingface_hub.errors import (
    HfHubHTTPError,
    InferenceTimeoutError,
    OverloadedError,
    TextGenerationError,
    ValidationError,
)

from llmops.errors import LlmopsError
from llmops.events import LlmRequest


@dataclass(frozen=True)
class Generation:
    """Text and token counts of one model call."""

    text: str
    finish_reason: str
    input_tokens: int
    output_tokens: int


class ModelCallFailed(LlmopsError):
    """The model server answered with an error or not at all.

    Args:
        message: What happened.
        http_status: Status the caller should get (502 upstream error, 503 unavailable, 504 timeout).
        retriable: True when a later retry may succeed.
    """

    def __init__(self, message: str, http_status: int, retriable: bool) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.retriable = retriable


class ModelClient:
    """Generate text for a request on one endpoint.

    Args:
        base_url: Server base URL.
        timeout_s: Budget of one call.
    """

    def __init__(self, base_url: str, timeout_s: float) -> None:
        self.base_url = base_url
        self._client = AsyncInferenceClient(base_url=base_url, timeout=timeout_s)

    async def generate(self, request: LlmRequest) -> Generation:
        """Run the request: chat completion for messages, text generation for a prompt.

        Raises:
            ModelCallFailed: With the status the caller should see.
        """
        try:
            if request["messages"]:
                return await self._chat(request)
            return await self._text(request)
        except Exception as exc:
            raise classify(exc) from exc

    async def _chat(self, request: LlmRequest) -> Generation:
        params = request["params"]
        output = await self._client.chat_completion(
            messages=[{"role": m["role"], "content": m["content"]} for m in request["messages"]],
            max_tokens=params["max_tokens"],
            temperature=params["temperature"],
            top_p=params["top_p"],
            stop=params["stop"] or None,
            seed=params["seed"],
        )
        choice = output.choices[0]
        usage = output.usage
        return Generation(
            text=choice.message.content or "",
            finish_reason=str(choice.finish_reason or "stop"),
            input_tokens=usage.prompt_tokens if usage else 0,
            output_tokens=usage.completion_tokens if usage else 0,
        )

    async def _text(self, request: LlmRequest) -> Generation:
        params = request["params"]
        output = await self._client.text_generation(
            request["prompt"] or "",
            details=True,
            max_new_tokens=params["max_tokens"],
            temperature=params["temperature"],
            top_p=params["top_p"],
            stop=params["stop"] or None,
            seed=params["seed"],
            decoder_input_details=True,
        )
        details = output.details
        finish = str(details.finish_reason) if details else "stop"
        return Generation(
            text=output.generated_text,
            finish_reason="length" if finish == "length" else "stop",
            input_tokens=len(details.prefill) if details and details.prefill else 0,
            output_tokens=details.generated_tokens if details else 0,
        )

    async def close(self) -> None:
        """Close the pooled connections."""
        await self._client.close()  # type: ignore[no-untyped-call]


def classify(exc: Exception) -> ModelCallFailed:  # noqa: PLR0911 - one return per error class
    """Map a client exception to the status the caller should see and whether a retry may help.

    Timeouts are 504 and retriable; 429/503 and TGI's "overloaded" are 503 and retriable;
    connection failures are 503 and retriable; TGI validation errors and 4xx answers are
    the caller's mistake (400, not retriable); anything else is an upstream error (502).
    """
    if isinstance(exc, ModelCallFailed):
        return exc
    if isinstance(exc, InferenceTimeoutError | httpx2.TimeoutException | TimeoutError):
        return ModelCallFailed(f"model server timed out: {exc}", 504, True)
    if isinstance(exc, OverloadedError):
        return ModelCallFailed(f"model server overloaded: {exc}", 503, True)
    if isinstance(exc, ValidationError):
        return ModelCallFailed(f"model server rejected the request: {exc}", 400, False)
    if isinstance(exc, TextGenerationError):
        return ModelCallFailed(f"model server failed to generate: {exc}", 502, False)
    if isinstance(exc, HfHubHTTPError):
        return _from_status(exc)
    if isinstance(exc, httpx2.TransportError | OSError):
        return ModelCallFailed(f"model server unreachable: {exc}", 503, True)
    return ModelCallFailed(f"unexpected model client failure: {type(exc).__name__}: {exc}", 502, False)


def _from_status(exc: HfHubHTTPError) -> ModelCallFailed:
    status = exc.response.status_code if exc.response is not None else 502
    if status in (429, 503):
        return ModelCallFailed(f"model server answered {status}: {exc}", 503, True)
    if 400 <= status < 500:
        return ModelCallFailed(f"model server rejected the request ({status}): {exc}", 400, False)
    return ModelCallFailed(f"model server answered {status}: {exc}", 502, status >= 500)
