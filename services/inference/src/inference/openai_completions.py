"""``POST /v1/completions`` of OpenAI-compatible servers (vLLM, SGLang, TGI's ``/v1``).

``huggingface_hub`` has no client for the legacy completions route, and vLLM has no
TGI route, so prompt requests to ``openai`` backends go through this small aiohttp
client (aiohttp holds its latency under the concurrency inference needs; see
ARCHITECTURE.md). The session is created on first use, inside the running loop.
"""

from __future__ import annotations

import aiohttp
import orjson

from inference.model_call import Generation, from_status
from llmops.events import LlmRequest


class OpenAiCompletions:
    """Client of one server's ``/v1/completions``.

    Args:
        base_url: Server base URL (without ``/v1``).
        timeout_s: Upper bound of one call.
    """

    def __init__(self, base_url: str, timeout_s: float) -> None:
        self.url = f"{base_url.rstrip('/')}/v1/completions"
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None

    async def complete(self, request: LlmRequest, max_tokens: int, model_id: str) -> Generation:
        """Generate for ``request["prompt"]``.

        Raises:
            ModelCallFailed: The server answered an error status.
            aiohttp.ClientError: The server could not be reached (classified by the caller).
        """
        params = request["params"]
        body = {
            "model": model_id,
            "prompt": request["prompt"] or "",
            "max_tokens": max_tokens,
            "temperature": params["temperature"],
            "top_p": params["top_p"],
            "stop": params["stop"] or None,
            "seed": params["seed"],
        }
        payload = orjson.dumps({k: v for k, v in body.items() if v is not None})
        headers = {"Content-Type": "application/json"}
        async with self._client().post(self.url, data=payload, headers=headers) as response:
            raw = await response.read()
            if response.status >= 400:
                raise from_status(response.status, raw[:500].decode(errors="replace"))
        answer = orjson.loads(raw)
        choice, usage = answer["choices"][0], answer.get("usage") or {}
        return Generation(
            text=choice.get("text") or "",
            finish_reason="length" if choice.get("finish_reason") == "length" else "stop",
            input_tokens=int(usage.get("prompt_tokens", 0)),
            output_tokens=int(usage.get("completion_tokens", 0)),
        )

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=30)
            self._session = aiohttp.ClientSession(timeout=self._timeout, connector=connector)
        return self._session

    async def close(self) -> None:
        """Close the pooled connections."""
        if self._session is not None:
            await self._session.close()
