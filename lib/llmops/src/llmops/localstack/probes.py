"""Readiness probes for the stack's parts, each ending in a clear error.

Probes are synchronous (the stack manager is a command-line tool) and cheap; each
returns True when the part answers as ready.
"""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from llmops.errors import DependencyUnavailable

Probe = Callable[[], bool]


def tcp_open(host: str, port: int) -> Probe:
    """Probe: a TCP connection to ``host:port`` is accepted."""

    def probe() -> bool:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            return False

    return probe


def http_ok(url: str) -> Probe:
    """Probe: ``GET url`` answers 2xx."""

    def probe() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=1.0) as response:
                return 200 <= int(response.status) < 300
        except (urllib.error.URLError, OSError, ValueError):
            return False

    return probe


def redis_ping(host: str, port: int) -> Probe:
    """Probe: the Redis server answers ``PING`` with ``+PONG``."""

    def probe() -> bool:
        try:
            with socket.create_connection((host, port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    return probe


def wait_until(name: str, endpoint: str, probe: Probe, timeout_s: float, alive: Callable[[], bool]) -> None:
    """Poll ``probe`` until it passes.

    Raises:
        DependencyUnavailable: When the process died (``alive`` is False) or the
            timeout passed, naming the part and its endpoint.
    """
    deadline = time.monotonic() + timeout_s
    delay = 0.05
    while True:
        if probe():
            return
        if not alive():
            raise DependencyUnavailable(name, endpoint, "the process exited during start-up (see its log)")
        if time.monotonic() > deadline:
            raise DependencyUnavailable(name, endpoint, f"not ready after {timeout_s:.0f}s (see its log)")
        time.sleep(delay)
        delay = min(delay * 1.5, 0.5)
