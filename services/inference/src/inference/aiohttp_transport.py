"""An ``httpx2`` transport backed by aiohttp, for ``huggingface_hub``'s inference client.

Measured with ``bench/inference.py`` at 128 requests in flight, ``AsyncInferenceClient``
on its default transport spent ~1.6 ms of CPU per call, about five times a bare aiohttp
call (~0.3 ms), and kept the server's batch a third full; the profile's top item was
``httpcore2``'s connection pool, which rescans every connection on each request. This
transport keeps ``huggingface_hub``'s API, payloads and error mapping and hands the
HTTP exchange to aiohttp's pool. Timeouts and connection failures are raised as the
``httpx2`` exceptions ``huggingface_hub`` expects.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import httpx2
from huggingface_hub import set_async_client_factory
from huggingface_hub.utils._http import (
    async_hf_request_event_hook,
    async_hf_response_event_hook,
    default_async_client_factory,
)


class _AiohttpStream(httpx2.AsyncByteStream):
    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._response.content.iter_any():
            yield chunk

    async def aclose(self) -> None:
        self._response.release()


class AiohttpTransport(httpx2.AsyncBaseTransport):
    """Sends ``httpx2`` requests through one aiohttp session (created on first use)."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        """Send ``request``; the body streams from aiohttp as the caller reads it."""
        timeouts: dict[str, Any] = request.extensions.get("timeout", {})
        timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=timeouts.get("connect"), sock_read=timeouts.get("read")
        )
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw]
        try:
            response = await self._client().request(
                request.method,
                str(request.url),
                data=await request.aread(),
                headers=headers,
                timeout=timeout,
                allow_redirects=False,
                auto_decompress=False,
            )
        except (aiohttp.ServerTimeoutError, TimeoutError) as exc:
            raise httpx2.ReadTimeout(str(exc), request=request) from exc
        except aiohttp.ClientError as exc:
            raise httpx2.ConnectError(str(exc), request=request) from exc
        return httpx2.Response(
            response.status,
            headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.raw_headers],
            stream=_AiohttpStream(response),
            request=request,
        )

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=30)
            self._session = aiohttp.ClientSession(connector=connector, skip_auto_headers=("User-Agent",))
        return self._session

    async def aclose(self) -> None:
        """Close the aiohttp session."""
        if self._session is not None:
            await self._session.close()


def aiohttp_async_client() -> httpx2.AsyncClient:
    """An ``httpx2.AsyncClient`` as ``huggingface_hub`` builds it, on :class:`AiohttpTransport`."""
    return httpx2.AsyncClient(
        transport=AiohttpTransport(),
        event_hooks={"request": [async_hf_request_event_hook], "response": [async_hf_response_event_hook]},
        follow_redirects=True,
        timeout=None,
    )


def select_transport(transport: str) -> None:
    """Make the ``AsyncInferenceClient`` sessions opened from now on use ``transport``.

    ``huggingface_hub``'s client factory is process-wide: ``aiohttp`` installs
    :func:`aiohttp_async_client`, ``httpx`` restores the library's default.
    """
    factory = aiohttp_async_client if transport == "aiohttp" else default_async_client_factory
    set_async_client_factory(factory)
