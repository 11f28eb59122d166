"""Messages per second through the guardrails service: noida-db plus ``python -m guardrails`` workers.

Completions (the labelled cases as prompts and outputs) are produced to
``llm.completions.v1`` as fast as the client can; the wall figure is responses consumed
from ``llm.responses.v1`` divided by the time from the first produce to the last
response. On a shared machine the wall figure mostly measures the other load, so the
workers' own CPU time (``/proc/<pid>/stat``) is reported too: CPU microseconds per message,
and the rate one core would sustain at that cost (``1e6 / cpu_us``).
"""

# ruff: noqa: E501, ASYNC110  (event templates kept whole; polling an external assignment)

from __future__ import annotations

import asyncio
import copy
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from bench import _profile
from llmops import topics
from llmops.codec import AvroCodec
from llmops.events import ChatMessage, LlmCompletion
from llmops.localstack import components, probes, processes
from llmops.localstack.components import HOST, StackConfig
from llmops.localstack.ports import StackPorts, free_port
from llmops.localstack.stack import LocalStack
from llmops.schema_store import SchemaStore

TEMPLATE: dict[str, Any] = {
    "tenant": "bench",
    "request": {
        "tenant": "bench", "user": "bench", "model": "llama-3.1-8b", "prompt": None,
        "params": {"max_tokens": 64, "temperature": None, "top_p": None, "stop": [], "seed": None,
                   "response_format": None},
        "reply_to": None, "idempotency_key": None, "deadline": None, "fallback_requested": False,
        "fallback_reason": None, "trace_id": None, "metadata": {}, "created_at": 0,
    },
    "finish_reason": "stop",
    "usage": {"input_tokens": 20, "output_tokens": 20},
    "timings": {"queue_ms": 1.0, "first_token_ms": None, "total_ms": 30.0},
    "model": {"alias": "llama-3.1-8b", "version": "1", "model_id": "meta-llama/Llama-3.1-8B-Instruct",
              "revision": "main", "endpoint": "http://127.0.0.1:1", "backend": "tgi", "canary": False},
    "fallback": False, "fallback_reason": None, "cost_usd": 0.0, "attempts": 1, "error": None, "created_at": 0,
}  # fmt: skip


def _completions(cases: list[dict[str, Any]], count: int, codec: AvroCodec) -> list[tuple[bytes, bytes]]:
    encoded = []
    for index in range(count):
        case = cases[index % len(cases)]
        event: LlmCompletion = copy.deepcopy(TEMPLATE)  # type: ignore[assignment]
        request_id = str(uuid.uuid4())
        event["request_id"] = event["request"]["request_id"] = request_id
        event["request"]["messages"] = [ChatMessage(role="user", content=case["text"])]
        event["text"] = (
            case["text"] if case["stage"] == "output" else "Sure, here is the answer you asked for."
        )
        encoded.append((request_id.encode(), codec.encode("completion", event)))
    return encoded


async def _measure(bootstrap: str, events: list[tuple[bytes, bytes]]) -> float:
    consumer = AIOKafkaConsumer(topics.RESPONSES.name, bootstrap_servers=bootstrap, auto_offset_reset="latest",
                                enable_auto_commit=False, group_id=f"bench-{uuid.uuid4()}")  # fmt: skip
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await consumer.start()
    await producer.start()
    try:
        while not consumer.assignment():
            await asyncio.sleep(0.05)
        await consumer.seek_to_end()
        started = time.perf_counter()
        sends = [await producer.send(topics.COMPLETIONS.name, value, key=key) for key, value in events]
        await asyncio.gather(*sends)
        seen = 0
        deadline = time.monotonic() + 300
        while seen < len(events) and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            seen += sum(len(records) for records in batches.values())
        return seen / (time.perf_counter() - started)
    finally:
        await producer.stop()
        await consumer.stop()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _extra_worker(config: StackConfig, run_dir: Path, index: int) -> int:
    """Another ``python -m guardrails`` in the same consumer group (its own HTTP port); returns its PID."""
    port = free_port()
    env = components.service_env("guardrails", config) | {
        "GUARDRAILS_HTTP_PORT": str(port),
        "GUARDRAILS_GROUP_INSTANCE_ID": f"bench-guardrails-{index}",
    }
    argv = (sys.executable, "-m", "guardrails")
    pid = processes.spawn(argv, run_dir / f"guardrails-{index}.log", components.child_env(env))
    ready = probes.http_ok(f"http://{HOST}:{port}/readyz")
    deadline = time.monotonic() + 60
    while not ready() and time.monotonic() < deadline:
        time.sleep(0.2)
    return pid


def service_rate(
    cases: list[dict[str, Any]],
    count: int,
    service_env: dict[str, str] | None = None,
    workers: int = 1,
    profile: Path | None = None,
) -> dict[str, float]:
    """Start noida-db and ``workers`` guardrails processes on free ports, push ``count`` completions.

    Returns:
        ``msg_s`` (wall), ``cpu_us`` (all workers' CPU per message) and ``count``.
    """
    codec = AvroCodec(SchemaStore.load())
    with tempfile.TemporaryDirectory(prefix="bench-guardrails-") as run_dir:
        env = dict(service_env or {})
        if workers > 1:  # static membership: noida-db fails rebalances of dynamic members
            env["GUARDRAILS_GROUP_INSTANCE_ID"] = "bench-guardrails-0"
        config = StackConfig(run_dir=Path(run_dir), ports=StackPorts.free(), service_env=env)
        stack = LocalStack(config)
        started = stack.up(only={"noida-db", "guardrails"})
        pids = [s.pid for s in started if s.name == "guardrails"]
        extra = [_extra_worker(config, Path(run_dir), i) for i in range(1, workers)]
        try:
            events = _completions(cases, count, codec)
            bootstrap = f"{HOST}:{config.ports.kafka}"
            asyncio.run(_measure(bootstrap, events[: min(400, count)]))  # warm up, let the group settle
            recorder = _record(pids[0], profile)
            cpu_before = sum(cpu_seconds(pid) for pid in [*pids, *extra])
            rate = asyncio.run(_measure(bootstrap, events))
            cpu = sum(cpu_seconds(pid) for pid in [*pids, *extra]) - cpu_before
            if recorder is not None:
                recorder.wait()
            return {"msg_s": rate, "cpu_us": cpu / count * 1e6, "count": count}
        finally:
            for pid in extra:
                processes.stop(pid, processes.start_time_of(pid) or 0)
            stack.down()


def _record(pid: int, profile: Path | None) -> subprocess.Popen[bytes] | None:
    """py-spy sampling the first worker while the measured load runs (``--profile``)."""
    if profile is None:
        return None
    py_spy = _profile.install_py_spy(profile.parent / "py-spy")
    if py_spy is None:
        print("py-spy could not be installed; no profile")
        return None
    return _profile.start_recording(py_spy, pid, 6, profile)
