"""Messages per second through the guardrails service: noida-db plus ``python -m guardrails`` workers.

What is measured (the headline, *drain* mode): a backlog of completions (the labelled
cases as prompts and outputs, >= 10,000 by default) is produced to ``llm.completions.v1``
*before* any worker runs; then fresh workers start and drain it. Responses are counted
by polling the end offsets of ``llm.responses.v1`` (ListOffsets, every 20 ms): no client
consumes the responses. The rate is responses divided by the time from the first
response to the last, so worker start-up and the group join are excluded, as in the
audit benchmark. Over the same window the CPU time (``/proc/<pid>/stat``) of the workers
and of noida-db is read and reported per message, with the load average.

Why: the earlier figure produced every completion and consumed every response while the
service ran, and that load generator used ~40% of the 2-core machine (591 µs of CPU per
message, next to the worker's 646), so it measured the client more than the service; and
3,000 messages were too short for a steady state. The *live* mode (``--live``) keeps that
older measurement (produce and consume at once, the client's own CPU reported too) for
comparison.
"""

# ruff: noqa: E501, ASYNC110  (event templates kept whole; polling an external assignment)

from __future__ import annotations

import asyncio
import copy
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from bench import _profile
from bench._proc import cpu_seconds
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
POLL_S = 0.02
TIMEOUT_S = 300.0


@dataclass(frozen=True)
class ServiceRun:
    """One measurement: wall rate and CPU microseconds per message of each process."""

    msg_s: float
    count: int
    worker_us: float
    noida_us: float
    client_us: float
    load_average: float


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


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _produce(bootstrap: str, events: list[tuple[bytes, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    try:
        sends = [await producer.send(topics.COMPLETIONS.name, value, key=key) for key, value in events]
        await asyncio.gather(*sends)
    finally:
        await producer.stop()


class _Cpu:
    """CPU seconds of named processes (and of this one) since :meth:`mark`."""

    def __init__(self, pids: dict[str, list[int]]) -> None:
        self.pids = pids
        self.start = self._read()

    def _read(self) -> dict[str, float]:
        return {name: sum(cpu_seconds(pid) for pid in group) for name, group in self.pids.items()} | {
            "client": _own_cpu()
        }

    def mark(self) -> None:
        self.start = self._read()

    def per_message(self, count: int) -> dict[str, float]:
        now = self._read()
        return {name: (now[name] - self.start[name]) / max(count, 1) * 1e6 for name in now}


async def _drain(bootstrap: str, total: int, cpu: _Cpu, on_first: Callable[[], None]) -> tuple[float, int]:
    """Count responses by end offsets until ``total``; rate from the first response to the last."""
    watcher = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await watcher.start()
    try:
        partitions = [TopicPartition(topics.RESPONSES.name, p) for p in range(topics.RESPONSES.partitions)]
        base = sum((await watcher.end_offsets(partitions)).values())
        first: tuple[float, int] | None = None
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            seen = sum((await watcher.end_offsets(partitions)).values()) - base
            now = time.perf_counter()
            if seen and first is None:
                first = (now, seen)
                cpu.mark()
                on_first()
            if first is not None and seen >= total:
                done = seen - first[1]
                return done / (now - first[0]), done
            await asyncio.sleep(POLL_S)
        raise TimeoutError(f"only {seen} of {total} responses within {TIMEOUT_S:.0f} s")
    finally:
        await watcher.stop()


async def _live(bootstrap: str, events: list[tuple[bytes, bytes]]) -> float:
    """The older measurement: produce everything and consume every response, at once."""
    consumer = AIOKafkaConsumer(topics.RESPONSES.name, bootstrap_servers=bootstrap, auto_offset_reset="latest",
                                enable_auto_commit=False, group_id=f"bench-{uuid.uuid4()}")  # fmt: skip
    await consumer.start()
    try:
        while not consumer.assignment():
            await asyncio.sleep(0.05)
        await consumer.seek_to_end()
        started = time.perf_counter()
        await _produce(bootstrap, events)
        seen = 0
        deadline = time.monotonic() + TIMEOUT_S
        while seen < len(events) and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            seen += sum(len(records) for records in batches.values())
        return seen / (time.perf_counter() - started)
    finally:
        await consumer.stop()


def _spawn_worker(config: StackConfig, run_dir: Path, index: int, env: dict[str, str]) -> tuple[int, str]:
    """A ``python -m guardrails`` with static membership id ``bench-guardrails-<index>``; PID and readyz URL."""
    port = free_port()
    worker_env = components.service_env("guardrails", config) | env | {
        "GUARDRAILS_HTTP_PORT": str(port),
        "GUARDRAILS_GROUP_INSTANCE_ID": f"bench-guardrails-{index}",
    }  # fmt: skip
    argv = (sys.executable, "-m", "guardrails")
    pid = processes.spawn(argv, run_dir / f"guardrails-{index}.log", components.child_env(worker_env))
    return pid, f"http://{HOST}:{port}/readyz"


def _wait_ready(url: str) -> None:
    ready = probes.http_ok(url)
    deadline = time.monotonic() + 60
    while not ready() and time.monotonic() < deadline:
        time.sleep(0.2)


def service_rate(
    cases: list[dict[str, Any]],
    count: int,
    service_env: dict[str, str] | None = None,
    workers: int = 1,
    profile: Path | None = None,
    live: bool = False,
) -> ServiceRun:
    """Start noida-db, then ``workers`` guardrails processes on free ports, and measure ``count`` completions.

    Drain mode (default) produces the backlog before the workers start; live mode
    starts them first, waits until they are ready, then produces and consumes at once.
    """
    codec = AvroCodec(SchemaStore.load())
    events = _completions(cases, count, codec)
    with tempfile.TemporaryDirectory(prefix="bench-guardrails-") as run_dir:
        config = StackConfig(run_dir=Path(run_dir), ports=StackPorts.free())
        stack = LocalStack(config)
        started = stack.up(only={"noida-db"})
        stack.create_topics()
        noida = [s.pid for s in started if s.name == "noida-db"]
        bootstrap = f"{HOST}:{config.ports.kafka}"
        pids: list[int] = []
        try:
            if not live:
                asyncio.run(_produce(bootstrap, events))
            spawned = [
                _spawn_worker(config, Path(run_dir), i, dict(service_env or {})) for i in range(workers)
            ]
            pids = [pid for pid, _ in spawned]
            cpu = _Cpu({"worker": pids, "noida": noida})
            recorder: list[subprocess.Popen[bytes]] = []

            def start_profile() -> None:
                recorder.extend(
                    p for p in [_record(pids[0], profile, max(3, count // 4000))] if p is not None
                )

            if live:
                for _, url in spawned:
                    _wait_ready(url)
                cpu.mark()
                start_profile()
                rate, done = asyncio.run(_live(bootstrap, events)), count
            else:
                rate, done = asyncio.run(_drain(bootstrap, count, cpu, start_profile))
            used = cpu.per_message(done)
            for process in recorder:
                process.wait()
            return ServiceRun(rate, done, used["worker"], used["noida"], used["client"], os.getloadavg()[0])
        finally:
            for pid in pids:
                processes.stop(pid, processes.start_time_of(pid) or 0)
            stack.down()


def _record(pid: int, profile: Path | None, seconds: int) -> subprocess.Popen[bytes] | None:
    """py-spy sampling the first worker for ``seconds`` while it drains (``--profile``)."""
    if profile is None:
        return None
    py_spy = _profile.install_py_spy(profile.parent / "py-spy")
    if py_spy is None:
        print("py-spy could not be installed; no profile")
        return None
    return _profile.start_recording(py_spy, pid, seconds, profile)
