"""Fixtures of the drift tests: a real redis-server on a free port, and event factories."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from llmops.localstack import binaries, probes

T0 = 1_763_337_600_000


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A redis-server of our own (no persistence), stopped after the session."""
    port, data = free_port(), tmp_path_factory.mktemp("drift-redis")
    binary = binaries.debian_binary("redis-server", "redis-server")
    args = [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(data), "--save", ""]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ping = probes.redis_ping("127.0.0.1", port)
        deadline = time.monotonic() + 20
        while not ping():
            assert process.poll() is None and time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def lineage(alias: str = "llama-3.1-8b", version: str = "1") -> dict[str, Any]:
    """Model lineage of an event."""
    return {
        "alias": alias,
        "version": version,
        "model_id": "m",
        "revision": "main",
        "endpoint": "http://tgi",
        "backend": "tgi",
        "canary": False,
    }


def completion(
    prompt: str = "How do I reset my password?",
    input_tokens: int = 12,
    output_tokens: int = 40,
    total_ms: float = 250.0,
    created_at: int = T0,
    tenant: str = "acme",
    **overrides: Any,
) -> dict[str, Any]:
    """A completion event with the fields drift reads."""
    event: dict[str, Any] = {
        "request_id": f"r-{created_at}",
        "tenant": tenant,
        "request": {"prompt": prompt, "messages": []},
        "text": "raw output",
        "finish_reason": "stop",
        "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
        "timings": {"queue_ms": 0.0, "first_token_ms": None, "total_ms": total_ms},
        "model": lineage(),
        "created_at": created_at,
    }
    return event | overrides


def response(
    action: str = "allow",
    text: str = "Open settings and choose reset.",
    created_at: int = T0,
    **overrides: Any,
) -> dict[str, Any]:
    """A response event with the fields drift reads."""
    findings = (
        []
        if action == "allow"
        else [{"scanner": "pii", "stage": "output", "category": "pii:email", "score": 1.0, "action": action}]
    )
    event: dict[str, Any] = {
        "request_id": f"r-{created_at}",
        "tenant": "acme",
        "model": lineage(),
        "text": text,
        "action": action,
        "findings": findings,
        "created_at": created_at,
    }
    return event | overrides


EventFactory = Callable[..., dict[str, Any]]


@pytest.fixture
def make_completion() -> EventFactory:
    """Factory of completion events (keyword arguments override fields)."""
    return completion


@pytest.fixture
def make_response() -> EventFactory:
    """Factory of response events (keyword arguments override fields)."""
    return response
