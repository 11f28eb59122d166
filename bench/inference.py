"""Inference benchmark: requests/s, CPU per request and backend batch fullness, in one run.

The TGI simulator runs in its own process as a *fast* backend (1 ms decode steps,
continuous batching of up to 128 requests), so the figure measured is the inference
service's own cost, not the model's. Two phases run against the same server at the
same concurrency, each closed-loop (every worker sends its next request as soon as the
previous one is answered):

* **aiohttp** -- bare aiohttp POSTs to ``/v1/chat/completions``: the floor of one
  Python HTTP call, for reference;
* **baseline** -- bare ``AsyncInferenceClient.chat_completion`` calls, what any client
  of TGI through ``huggingface_hub`` pays at least;
* **svc-httpx** / **service** -- the inference service's request path, on
  ``huggingface_hub``'s default httpx2 transport and on the aiohttp transport the
  service uses by default (``INFERENCE_HTTP_TRANSPORT``): catalog routing with the 95/5
  canary split (TGI and OpenAI API shapes), breaker, in-flight bounds, retries,
  lineage, cost, metrics, and Avro encoding of the completion (Kafka hops excluded:
  ~0.6 ms per produce on noida-db, see ARCHITECTURE.md).

Reported per phase: requests/s, CPU milliseconds per request in this process and,
separately, in the simulator's, and batch fullness -- the mean over the run of the
server's ``tgi_batch_current_size / max_concurrent_requests`` and of
``tgi_batch_current_max_tokens / max_batch_total_tokens``, sampled every 50 ms from
its ``/metrics``: the share of the backend's batch capacity kept busy.

``python -m bench inference [--requests N] [--concurrency C] [--max-tokens T]``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import aiohttp
from huggingface_hub import AsyncInferenceClient

from inference.catalog_file import DEFAULT_CATALOG
from inference.load_probe import parse_load
from inference.settings import InferenceSettings
from inference.wiring import generator_of
from llmops.clock import now_ms
from llmops.codec import AvroCodec
from llmops.events import ChatMessage, GenerationParams, LlmRequest
from llmops.schema_store import SchemaStore
from llmops.settings import Environment

SIMULATOR_ARGS = (
    "--prefill-ms-per-token", "0.01",
    "--decode-ms-per-token", "1",
    "--decode-ms-per-batched-request", "0.02",
    "--max-concurrent-requests", "128",
    "--max-batch-total-tokens", "65536",
    "--eos-probability", "0",
)  # fmt: skip
PROMPTS = (
    "Summarise the refund policy for a customer in two sentences.",
    "Riassumi la politica di rimborso in due frasi.",
    "Resume la política de reembolso en dos frases.",
    "Resuma a política de reembolso em duas frases.",
    "Fasse die Rückerstattungsrichtlinie in zwei Sätzen zusammen.",
    "Résume la politique de remboursement en deux phrases.",
)


@dataclass(frozen=True)
class PhaseResult:
    """One phase's figures."""

    name: str
    requests: int
    errors: int
    seconds: float
    cpu_s: float
    simulator_cpu_s: float
    batch_size_ratio: float
    batch_tokens_ratio: float

    def line(self) -> str:
        """One table row."""
        per_request = 1000.0 / self.requests
        return (
            f"{self.name:<9} {self.requests / self.seconds:>10.0f} {self.cpu_s * per_request:>10.2f} "
            f"{self.simulator_cpu_s * per_request:>10.2f} "
            f"{self.batch_size_ratio:>12.1%} {self.batch_tokens_ratio:>12.1%} {self.errors:>7}"
        )


@contextlib.asynccontextmanager
async def simulator() -> AsyncIterator[tuple[str, int]]:
    """Start the simulator in its own process; yield its URL and PID."""
    argv = [sys.executable, "-m", "tgi_simulator", "--port", "0", *SIMULATOR_ARGS]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)  # noqa: ASYNC220 - started once
    try:
        assert process.stdout is not None
        line = await asyncio.to_thread(process.stdout.readline)
        yield str(json.loads(line)["url"]), process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


def process_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) the process ``pid`` has used, from ``/proc``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def request(i: int, max_tokens: int) -> LlmRequest:
    """The ``i``-th benchmark request (chat, one of six languages)."""
    return {
        "request_id": str(uuid.uuid4()),
        "tenant": f"tenant-{i % 4}",
        "user": None,
        "model": "llama-3.1-8b",
        "messages": [ChatMessage(role="user", content=PROMPTS[i % len(PROMPTS)] + f" #{i}")],
        "prompt": None,
        "params": GenerationParams(
            max_tokens=max_tokens, temperature=None, top_p=None, stop=[], seed=None, response_format=None
        ),
        "reply_to": None,
        "idempotency_key": None,
        "deadline": now_ms() + 60_000,
        "fallback_requested": False,
        "fallback_reason": None,
        "trace_id": None,
        "metadata": {},
        "created_at": now_ms(),
    }


async def sample_batch(url: str, stop: asyncio.Event) -> tuple[float, float]:
    """Mean batch-size and batch-token ratios of the server until ``stop`` is set."""
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{url}/info") as response:
            info = await response.json()
        max_requests, max_tokens = info["max_concurrent_requests"], info["max_batch_total_tokens"]
        sizes: list[float] = []
        tokens: list[float] = []
        while not stop.is_set():
            async with http.get(f"{url}/metrics") as response:
                load = parse_load(await response.text(), max_tokens)
            sizes.append(load.batch_size / max_requests)
            tokens.append(load.batch_fullness or 0.0)
            await asyncio.sleep(0.05)
    return (statistics.fmean(sizes) if sizes else 0.0, statistics.fmean(tokens) if tokens else 0.0)


async def run_phase(
    name: str, url: str, pid: int, call: Callable[[int], Awaitable[bool]], total: int, concurrency: int
) -> PhaseResult:
    """Closed loop: ``concurrency`` workers share ``total`` requests; the batch is sampled meanwhile."""
    next_index = iter(range(total))
    errors = 0

    async def worker() -> None:
        nonlocal errors
        for i in next_index:
            errors += 0 if await call(i) else 1

    stop = asyncio.Event()
    sampler = asyncio.ensure_future(sample_batch(url, stop))
    cpu0, sim0, t0 = time.process_time(), process_cpu_s(pid), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    sim_cpu = process_cpu_s(pid) - sim0
    stop.set()
    size_ratio, token_ratio = await sampler
    return PhaseResult(name, total, errors, seconds, cpu, sim_cpu, size_ratio, token_ratio)


async def bench(total: int, concurrency: int, max_tokens: int) -> list[PhaseResult]:
    """Warm up, then run the four phases against one simulator."""
    async with (
        simulator() as (url, pid),
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http,
    ):
        client = AsyncInferenceClient(base_url=url, timeout=60)

        async def raw_aiohttp(i: int) -> bool:
            body = {"model": "tgi", "max_tokens": max_tokens, "messages": _messages(i)}
            async with http.post(f"{url}/v1/chat/completions", json=body) as answer:
                await answer.read()
                return answer.status == 200

        async def direct(i: int) -> bool:
            await client.chat_completion(messages=_messages(i), max_tokens=max_tokens)
            return True

        results = [
            await _measured("aiohttp", url, pid, raw_aiohttp, total, concurrency),
            await _measured("baseline", url, pid, direct, total, concurrency),
        ]
        # In this order: the aiohttp setting switches huggingface_hub's process-wide
        # transport, which the clients above (their sessions exist already) keep out of.
        transports: tuple[tuple[str, Literal["httpx", "aiohttp"]], ...] = (
            ("svc-httpx", "httpx"),
            ("service", "aiohttp"),
        )
        for name, transport in transports:
            call, close = _service_call(url, transport, max_tokens, concurrency)
            results.append(await _measured(name, url, pid, call, total, concurrency))
            await close()
        await client.close()  # type: ignore[no-untyped-call]
        return results


def _messages(i: int) -> list[dict[str, str]]:
    return [{"role": "user", "content": PROMPTS[i % len(PROMPTS)] + f" #{i}"}]


async def _measured(
    name: str, url: str, pid: int, call: Callable[[int], Awaitable[bool]], total: int, concurrency: int
) -> PhaseResult:
    await run_phase("warm-up", url, pid, call, min(total, 200), concurrency)
    return await run_phase(name, url, pid, call, total, concurrency)


def _service_call(
    url: str, transport: Literal["httpx", "aiohttp"], max_tokens: int, concurrency: int
) -> tuple[Callable[[int], Awaitable[bool]], Callable[[], Awaitable[None]]]:
    """The service's request path (routing ... Avro encoding) on ``transport``, and its closer."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = InferenceSettings(
            kafka_bootstrap="127.0.0.1:1",
            environment=Environment.LOCAL,
            tgi_url=url,
            fallback_url=url,
            catalog_path=_catalog_with_slots(Path(tmp), concurrency),
            http_transport=transport,
        )
        generator = generator_of(settings)
    codec = AvroCodec(SchemaStore.load())

    async def service(i: int) -> bool:
        completion = await generator.complete(request(i, max_tokens))
        codec.encode("completion", completion)
        return completion["error"] is None

    async def close() -> None:
        for endpoint in generator.router.endpoints.values():
            await endpoint.close()

    return service, close


def _catalog_with_slots(tmp: Path, slots: int) -> Path:
    """The shipped catalog with slots for twice the concurrency, so saturation never reroutes."""
    text = DEFAULT_CATALOG.read_text(encoding="utf-8")
    path = tmp / "catalog.yaml"
    path.write_text(text.replace("max_in_flight: 128", f"max_in_flight: {2 * slots}"), encoding="utf-8")
    return path


def main(argv: list[str]) -> int:
    """Run the benchmark and print one row per phase."""
    parser = argparse.ArgumentParser(prog="python -m bench inference")
    parser.add_argument(
        "--requests", type=int, default=int(os.environ.get("BENCH_INFERENCE_REQUESTS", "3000"))
    )
    parser.add_argument("--concurrency", type=int, default=128)
    parser.add_argument("--max-tokens", type=int, default=32)
    args = parser.parse_args(argv)
    results = asyncio.run(bench(args.requests, args.concurrency, args.max_tokens))
    shape = f"{args.requests} chat requests, {args.concurrency} in flight, {args.max_tokens} tokens each"
    print(f"inference: {shape}")
    print(f"{'':<9} {'':>10} {'CPU ms/req':>10} {'(simulator)':>10} {'batch busy':>12} {'':>12}")
    columns = ("phase", "requests/s", "this proc", "", "requests", "tokens", "errors")
    print("{:<9} {:>10} {:>10} {:>10} {:>12} {:>12} {:>7}".format(*columns))
    for result in results:
        print(result.line())
    return 0 if all(r.errors == 0 for r in results) else 1
