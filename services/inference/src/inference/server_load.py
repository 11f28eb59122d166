"""Reads every endpoint's load on a timer and exports it (queue length, batch fullness)."""

from __future__ import annotations

from collections.abc import Sequence

import aiohttp

from inference.endpoint import Endpoint
from inference.metric_defs import BACKEND_BATCH_FULLNESS, BACKEND_QUEUE


class ServerLoadReader:
    """Refreshes the :class:`~inference.load_probe.LoadProbe` of each endpoint.

    Args:
        endpoints: The endpoints to read.
    """

    def __init__(self, endpoints: Sequence[Endpoint]) -> None:
        self.endpoints = endpoints
        self._session: aiohttp.ClientSession | None = None

    async def refresh(self) -> None:
        """Read every endpoint once (sequentially: a few small GETs per interval)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        for endpoint in self.endpoints:
            load = await endpoint.probe.refresh(self._session)
            if load is None:
                continue
            BACKEND_QUEUE.labels(endpoint.url).set(load.queue_size)
            if load.batch_fullness is not None:
                BACKEND_BATCH_FULLNESS.labels(endpoint.url).set(load.batch_fullness)

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
