"""Real servers for audit tests and the benchmark: noida-db (Kafka + Elasticsearch) and audit workers."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaProducer

from audit.sample_events import Inference
from llmops import topics
from llmops.codec import AvroCodec
from llmops.localstack.binaries import noida_db

HOST = "127.0.0.1"


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(condition: Any, timeout_s: float, what: str) -> None:
    """Poll ``condition`` until true; fail naming ``what`` after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{what} not reached within {timeout_s}s")


@dataclass
class Noida:
    """One noida-db process serving Kafka and Elasticsearch."""

    data_dir: Path
    kafka_port: int = field(default_factory=free_port)
    es_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        """Kafka bootstrap address."""
        return f"{HOST}:{self.kafka_port}"

    @property
    def es_url(self) -> str:
        """Elasticsearch base URL."""
        return f"http://{HOST}:{self.es_port}"

    def start(self) -> None:
        """Start the server and wait until Elasticsearch answers."""
        argv = [noida_db(), "start", "--only", "kafka,elasticsearch", "--data-dir", str(self.data_dir)]
        argv += [
            "--host",
            HOST,
            "--kafka-port",
            str(self.kafka_port),
            "--elasticsearch-port",
            str(self.es_port),
        ]
        log = (self.data_dir.parent / "noida.log").open("ab")
        self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        wait_for(lambda: es_request(self.es_url, "GET", "/")[0] == 200, 30, "noida-db elasticsearch")

    def stop(self) -> None:
        """Stop the server."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)


def es_request(url: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """One JSON request to Elasticsearch; returns (status, parsed body)."""
    data = orjson.dumps(body) if body is not None else None
    request = urllib.request.Request(f"{url}{path}", data=data, method=method)
    request.add_header("content-type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            return response.status, orjson.loads(raw) if raw else None
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        return exc.code, orjson.loads(raw) if raw else None


def count(url: str, alias: str, query: dict[str, Any] | None = None) -> int:
    """Documents under ``alias`` matching ``query`` (0 when the alias does not exist yet)."""
    es_request(url, "POST", f"/{alias}/_refresh")
    status, body = es_request(url, "POST", f"/{alias}/_count", {"query": query or {"match_all": {}}})
    return int(body["count"]) if status == 200 else 0


@dataclass
class AuditProcess:
    """One ``python -m audit`` worker."""

    noida: Noida
    index: str
    env: dict[str, str] = field(default_factory=dict)
    http_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def start(self, log_path: Path) -> None:
        """Start the worker (output to ``log_path``) and wait until it is ready."""
        env = {
            **os.environ,
            "AUDIT_ENVIRONMENT": "local",
            "AUDIT_KAFKA_BOOTSTRAP": self.noida.bootstrap,
            "AUDIT_ELASTICSEARCH_URL": self.noida.es_url,
            "AUDIT_HTTP_HOST": HOST,
            "AUDIT_HTTP_PORT": str(self.http_port),
            "AUDIT_INDEX": self.index,
            **self.env,
        }
        log = log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-X", "faulthandler", "-m", "audit"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(self._ready, 90, "audit readiness")
        except AssertionError:
            self.process.send_signal(signal.SIGABRT)  # faulthandler writes every thread's stack to the log
            raise

    def _ready(self) -> bool:
        assert self.process is not None and self.process.poll() is None, "audit exited"
        with urllib.request.urlopen(f"http://{HOST}:{self.http_port}/readyz", timeout=5) as response:
            return bool(response.status == 200)

    def kill(self) -> None:
        """SIGKILL the worker: no shutdown, no flush, no commit."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop the worker gracefully (SIGTERM), killing it if it does not exit."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


async def produce(
    bootstrap: str,
    codec: AvroCodec,
    inferences: Iterable[Inference],
    stages: tuple[str, ...] = ("request", "completion", "response"),
) -> list[str]:
    """Produce the given stages of each inference, keyed by request id; return the request ids."""
    spec = {"request": topics.REQUESTS, "completion": topics.COMPLETIONS, "response": topics.RESPONSES}
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    ids = []
    try:
        sends = []
        for inference in inferences:
            key = inference.request["request_id"].encode()
            ids.append(inference.request["request_id"])
            for stage in stages:
                event = getattr(inference, stage)
                value = codec.encode(spec[stage].schema, event)
                sends.append(await producer.send(spec[stage].name, value, key=key))
        await asyncio.gather(*sends)
    finally:
        await producer.stop()
    return ids


def new_ids(n: int) -> list[str]:
    """``n`` fresh request ids."""
    return [str(uuid.uuid4()) for _ in range(n)]
