"""Fixtures: simulators served on free loopback ports, with zero latency unless asked."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from aiohttp import web

from tgi_simulator import SimulatorConfig, create_app

ServeFn = Callable[..., AbstractAsyncContextManager[tuple[str, web.Application]]]


def fast_config(**overrides: Any) -> SimulatorConfig:
    """A config for tests: free port, no latency, no early EOS unless overridden."""
    settings: dict[str, Any] = {
        "port": 0,
        "prefill_ms_per_token": 0.0,
        "decode_ms_per_token": 0.0,
        "eos_probability": 0.0,
    }
    return SimulatorConfig(**(settings | overrides))


@asynccontextmanager
async def _serve(**overrides: Any) -> AsyncIterator[tuple[str, web.Application]]:
    config = fast_config(**overrides)
    app = create_app(config)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        yield f"http://127.0.0.1:{port}", app
    finally:
        await runner.cleanup()


@pytest.fixture
def serve() -> ServeFn:
    """``async with serve(**config_overrides) as (url, app)`` runs a simulator."""
    return _serve


@pytest.fixture
async def sim_url() -> AsyncIterator[str]:
    """The URL of a zero-latency simulator with default limits."""
    async with _serve() as (url, _app):
        yield url
