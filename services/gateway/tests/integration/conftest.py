"""Extra gateway replicas against the session's embedded stack, each a real ``python -m gateway`` process."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from llmops.localstack.components import HOST, StackConfig, service_env
from llmops.localstack.ports import free_port


@dataclass(frozen=True)
class Replica:
    """A running gateway replica."""

    url: str
    process: subprocess.Popen[bytes]


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path, within_s: float = 120.0) -> None:
    """Wait for ``/readyz``; generous, as a loaded shared machine can take long to start Python."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gateway replica exited: {log.read_text()[-2000:]}")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/readyz", timeout=1) as answer:
            if answer.status == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"gateway replica at {url} not ready: {log.read_text()[-2000:]}")


def _start(stack: StackConfig, log_dir: Path, started: list[Replica], **overrides: str) -> Replica:
    port = free_port()
    env = {**os.environ, **service_env("gateway", stack), "GATEWAY_HTTP_PORT": str(port)}
    env |= {f"GATEWAY_{k.upper()}": v for k, v in overrides.items()}
    log = log_dir / f"gateway-{port}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "gateway"], env=env, stdout=sink, stderr=sink)
    replica = Replica(f"http://{HOST}:{port}", process)
    started.append(replica)
    _wait_ready(replica.url, process, log)
    return replica


def _stop(started: list[Replica]) -> None:
    for replica in started:
        replica.process.terminate()
    for replica in started:
        try:
            replica.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            replica.process.kill()
            replica.process.wait()


@pytest.fixture
def start_replica(local_stack: StackConfig, tmp_path: Path) -> Iterator[Callable[..., Replica]]:
    """Start gateway replicas (``GATEWAY_*`` overrides as keyword arguments); all stop after the test."""
    started: list[Replica] = []
    try:
        yield lambda **overrides: _start(local_stack, tmp_path, started, **overrides)
    finally:
        _stop(started)


@pytest.fixture(scope="session")
def fuzzed_replica(local_stack: StackConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replica]:
    """One replica for the whole fuzzing session; small generation limits keep each valid call short."""
    started: list[Replica] = []
    try:
        yield _start(local_stack, tmp_path_factory.mktemp("fuzz"), started, max_output_tokens="16")
    finally:
        _stop(started)
