"""Calls to the model server through ``huggingface_hub.AsyncInferenceClient``.

One client per endpoint, reused for every call (connection pooling); every call is
asynchronous and bounded by a timeout, so a slow generation never blocks the
consumer loop.
"""

from __future__ import annotations

import asyncio

import aiohttp
import httpx2
from huggingface_hub import AsyncInferenceClient
from huggingface_hub.errors import (
    HfHubHTTPError,
    InferenceTimeoutError,
    OverloadedError,
    TextGenerationError,
    ValidationError,
)

from inference.catalog import BackendKind
from inference.model_call import Generation, ModelCallFailed, from_status
from inference.openai_completions import OpenAiCompletions
from llmops.events import LlmRequest

__all__ = ["Generation", "ModelCallFailed", "ModelClient", "classify"]


class ModelClient:
    """Generate text for a request on one endpoint, in the API shape of its backend.

    Chat requests go through ``AsyncInferenceClient.chat_completion`` for both kinds
    (TGI and OpenAI-compatible servers serve ``/v1/chat/completions``); prompt requests
    use TGI's ``text_generation`` with details on ``tgi``, and ``/v1/completions`` on
    ``openai`` servers such as vLLM, which have no TGI route. One client per endpoint,
    reused for every call.

    Args:
        base_url: Server base URL.
        timeout_s: Upper bound of one call (each call may be given less).
        backend: API kind of the server.
        model_id: Model id sent as ``model`` (OpenAI-compatible servers check it).
    """

    def __init__(
        self, base_url: str, timeout_s: float, backend: BackendKind = BackendKind.TGI, model_id: str = "tgi"
    ) -> None:
        self.base_url = base_url
        self.backend = backend
        self.model_id = model_id
        self._client = AsyncInferenceClient(base_url=base_url, timeout=timeout_s)
        self._completions = OpenAiCompletions(base_url, timeout_s)

    async def generate(
        self, request: LlmRequest, max_tokens: int | None = None, timeout_s: float | None = None
    ) -> Generation:
        """Run the request: chat completion for messages, text generation for a prompt.

        Args:
            request: The request.
            max_tokens: Generation limit (the request's own when ``None``).
            timeout_s: Budget of this call (the client's when ``None``).

        Raises:
            ModelCallFailed: With the status the caller should see.
        """
        limit = max_tokens if max_tokens is not None else request["params"]["max_tokens"]
        try:
            async with asyncio.timeout(timeout_s):
                if request["messages"]:
                    return await self._chat(request, limit)
                if self.backend is BackendKind.OPENAI:
                    return await self._completions.complete(request, limit, self.model_id)
                return await self._text(request, limit)
        except Exception as exc:
            raise classify(exc) from exc

    async def _chat(self, request: LlmRequest, max_tokens: int) -> Generation:
        params = request["params"]
        output = await self._client.chat_completion(
            messages=[{"role": m["role"], "content": m["content"]} for m in request["messages"]],
            model=self.model_id,
            max_tokens=max_tokens,
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

    async def _text(self, request: LlmRequest, max_tokens: int) -> Generation:
        params = request["params"]
        output = await self._client.text_generation(
            request["prompt"] or "",
            details=True,
            max_new_tokens=max_tokens,
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
        await self._completions.close()


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
    busy = _busy_status(exc)
    if busy is not None:
        return from_status(busy, str(exc))
    if isinstance(exc, OverloadedError):
        return ModelCallFailed(f"model server overloaded: {exc}", 503, True)
    if isinstance(exc, ValidationError):
        return ModelCallFailed(f"model server rejected the request: {exc}", 400, False)
    if isinstance(exc, TextGenerationError):
        return ModelCallFailed(f"model server failed to generate: {exc}", 502, False)
    if isinstance(exc, HfHubHTTPError):
        return _from_status(exc)
    if isinstance(exc, httpx2.TransportError | aiohttp.ClientConnectionError | OSError):
        return ModelCallFailed(f"model server unreachable: {exc}", 503, True)
    return ModelCallFailed(f"unexpected model client failure: {type(exc).__name__}: {exc}", 502, False)


def _from_status(exc: HfHubHTTPError) -> ModelCallFailed:
    status = exc.response.status_code if exc.response is not None else 502
    return from_status(status, str(exc))


def _busy_status(exc: Exception) -> int | None:
    """429/503/504 behind a TGI error class (``huggingface_hub`` raises them ``from`` the HTTP error)."""
    cause = exc.__cause__ if isinstance(exc, TextGenerationError) else exc
    if isinstance(cause, HfHubHTTPError) and cause.response is not None:
        status = cause.response.status_code
        return status if status in (429, 503, 504) else None
    return None
