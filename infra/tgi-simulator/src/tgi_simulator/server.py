"""Running a simulator on a TCP socket, in the foreground or inside other code.

:func:`running_simulator` is the in-process form (tests, benchmarks): it binds, yields
the base URL and cleans up. :func:`serve` is the process form used by ``python -m
tgi_simulator``: it logs one JSON line with the URL once listening and runs until
SIGINT/SIGTERM.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from dataclasses import asdict

import orjson
from aiohttp import web

from tgi_simulator.app import create_app
from tgi_simulator.config import SimulatorConfig

LOGGER = logging.getLogger("tgi_simulator")


@contextlib.asynccontextmanager
async def running_simulator(config: SimulatorConfig | None = None) -> AsyncIterator[str]:
    """Serve a simulator for the duration of the block.

    Args:
        config: Settings; ``port=0`` (or the default config with ``port=0``) picks a free port.

    Yields:
        The base URL, e.g. ``http://127.0.0.1:41234``.
    """
    config = config or SimulatorConfig(port=0)
    runner = web.AppRunner(create_app(config), access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, config.host, config.port)
        await site.start()
        host, port = runner.addresses[0][:2]
        yield f"http://{_url_host(host)}:{port}"
    finally:
        await runner.cleanup()


async def serve(config: SimulatorConfig) -> None:
    """Serve until SIGINT or SIGTERM, logging the URL as one JSON line when ready."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with running_simulator(config) as url:
        LOGGER.info(
            orjson.dumps({"event": "tgi_simulator.started", "url": url, "config": asdict(config)}).decode()
        )
        await stop.wait()
    LOGGER.info(orjson.dumps({"event": "tgi_simulator.stopped", "url": url}).decode())


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
