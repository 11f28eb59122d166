"""Ports of the local stack: fixed defaults for humans, free ports for tests."""

from __future__ import annotations

import socket
from collections.abc import Mapping
from dataclasses import dataclass, fields

from llmops.errors import ConfigurationError


@dataclass(frozen=True)
class StackPorts:
    """One TCP port per part of the stack (all bound to 127.0.0.1)."""

    kafka: int = 19092
    elasticsearch: int = 19200
    redis: int = 16379
    prometheus: int = 19090
    tgi: int = 8090
    tgi_fallback: int = 8091
    gateway: int = 8080
    inference: int = 8081
    guardrails: int = 8082
    drift: int = 8083
    audit: int = 8084

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> StackPorts:
        """Defaults, each overridable by ``LLMOPS_PORT_<PART>`` (e.g. ``LLMOPS_PORT_GATEWAY=9080``)."""
        overrides = {}
        for f in fields(cls):
            value = environ.get(f"LLMOPS_PORT_{f.name.upper()}")
            if value is not None:
                if not value.isdigit():
                    raise ConfigurationError(f"LLMOPS_PORT_{f.name.upper()}={value!r} is not a port number")
                overrides[f.name] = int(value)
        return cls(**overrides)

    def as_env(self) -> dict[str, str]:
        """The ``LLMOPS_PORT_<PART>`` variables that reproduce these ports."""
        return {f"LLMOPS_PORT_{f.name.upper()}": str(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def free(cls) -> StackPorts:
        """Pick free ports for every part (for tests that run beside a developer's stack)."""
        return cls(**{f.name: free_port() for f in fields(cls)})


def free_port() -> int:
    """Return a TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
