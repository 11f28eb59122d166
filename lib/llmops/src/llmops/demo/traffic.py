"""Send the demo corpus through the gateway's OpenAI API and record each outcome."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import aiohttp

from llmops.demo.corpus import CORPUS, DemoPrompt
from llmops.dev_tokens import mint_token


@dataclass(frozen=True)
class Outcome:
    """What happened to one demo request."""

    tenant: str
    language: str
    kind: str
    status: int
    latency_ms: float
    request_id: str | None
    action: str | None
    error: str | None


async def send_corpus(gateway_url: str, model: str, concurrency: int = 8) -> list[Outcome]:
    """Send every prompt of the corpus (``concurrency`` at a time) and return the outcomes in order."""
    slots = asyncio.Semaphore(concurrency)
    tokens = {tenant: mint_token(tenant, subject=f"demo-{tenant}") for tenant, *_ in CORPUS}
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as session:

        async def one(prompt: DemoPrompt) -> Outcome:
            async with slots:
                return await _send(session, gateway_url, model, tokens[prompt[0]], prompt)

        return list(await asyncio.gather(*(one(p) for p in CORPUS)))


async def _send(
    session: aiohttp.ClientSession,
    url: str,
    model: str,
    token: str,
    prompt: DemoPrompt,
) -> Outcome:
    tenant, language, kind, text = prompt
    body = {"model": model, "messages": [{"role": "user", "content": text}], "max_tokens": 48}
    started = time.perf_counter()
    try:
        async with session.post(
            f"{url}/v1/chat/completions",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
        ) as response:
            payload = await response.json(content_type=None)
            latency = (time.perf_counter() - started) * 1000
            if response.status != 200:
                message = str(payload.get("error", {}).get("message", payload))
                return Outcome(tenant, language, kind, response.status, latency, None, None, message)
            extra = payload.get("llmops", {})
            return Outcome(
                tenant, language, kind, 200, latency, extra.get("request_id"), extra.get("action"), None
            )
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        latency = (time.perf_counter() - started) * 1000
        return Outcome(tenant, language, kind, 0, latency, None, None, f"{type(exc).__name__}: {exc}")
