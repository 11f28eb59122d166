"""ASGI middleware: request limits (413, 415) and request metrics.

Written as plain ASGI (not ``BaseHTTPMiddleware``) to keep the per-request overhead
on the hot path to a few microseconds.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.errors import ApiError, error_response
from gateway.metric_defs import IN_FLIGHT, REQUEST_LATENCY, REQUESTS


class GatewayMiddleware:
    """Reject oversized or non-JSON bodies early and record route, status, tenant and latency.

    Args:
        app: The wrapped ASGI app.
        max_body_bytes: Largest accepted body (by ``Content-Length`` and as streamed).
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one request."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rejection = self._reject(scope)
        if rejection is not None:
            await error_response(rejection)(scope, receive, send)
            return
        started, status = time.perf_counter(), [500]

        async def send_and_record(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        if scope["method"] == "POST":
            buffered = await self._buffered(receive)
            if isinstance(buffered, ApiError):
                await error_response(buffered)(scope, receive, send)
                return
            receive = buffered
        IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, send_and_record)
        finally:
            IN_FLIGHT.dec()
            route = _route_of(scope)
            tenant = getattr(scope.get("state", {}).get("tenant"), "__str__", lambda: "-")()
            REQUESTS.labels(
                route, str(status[0]), tenant if "tenant" in scope.get("state", {}) else "-"
            ).inc()
            REQUEST_LATENCY.labels(route).observe(time.perf_counter() - started)

    def _reject(self, scope: Scope) -> ApiError | None:
        if scope["method"] != "POST":
            return None
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
            return ApiError(
                413,
                f"request body larger than {self.max_body_bytes} bytes",
                "invalid_request_error",
                "body_too_large",
            )
        content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if content_type != b"application/json":
            return ApiError(
                415,
                "Content-Type must be application/json",
                "invalid_request_error",
                "unsupported_media_type",
            )
        return None

    async def _buffered(self, receive: Receive) -> Receive | ApiError:
        """Read the whole body up to the limit, so an oversized chunked body is a clean 413.

        Returns:
            A ``receive`` that replays the buffered body, or the 413 error.
        """
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return _replay([message], receive)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return ApiError(
                    413,
                    f"request body larger than {self.max_body_bytes} bytes",
                    "invalid_request_error",
                    "body_too_large",
                )
            chunks.append(chunk)
            if not message.get("more_body", False):
                body: Message = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
                return _replay([body], receive)


def _replay(messages: list[Message], then: Receive) -> Receive:
    """A ``receive`` that returns ``messages`` first, then defers to ``then``.

    Deferring matters: a streaming response listens for the client's disconnect
    on ``receive``, and must wait for a real one.
    """
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        return await then()

    return receive


def _route_of(scope: Scope) -> str:
    route = scope.get("route")
    path: str = getattr(route, "path", None) or "unmatched"
    return path
