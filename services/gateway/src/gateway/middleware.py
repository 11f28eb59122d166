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

        IN_FLIGHT.inc()
        try:
            await self.app(scope, self._limited(receive), send_and_record)
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

    def _limited(self, receive: Receive) -> Receive:
        received = [0]
        limit = self.max_body_bytes

        async def limited_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                received[0] += len(message.get("body", b""))
                if received[0] > limit:
                    raise ApiError(
                        413,
                        f"request body larger than {limit} bytes",
                        "invalid_request_error",
                        "body_too_large",
                    )
            return message

        return limited_receive


def _route_of(scope: Scope) -> str:
    route = scope.get("route")
    path: str = getattr(route, "path", None) or "unmatched"
    return path
