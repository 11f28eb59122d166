"""HTTP errors in OpenAI's shape: ``{"error": {"message", "type", "param", "code"}}``.

The official ``openai`` client turns these into its typed exceptions, so callers see
the same errors they would see from OpenAI.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException


class ApiError(Exception):
    """An error answered to the caller.

    Args:
        status: HTTP status.
        message: Human-readable explanation.
        type_: OpenAI error type (``invalid_request_error``, ``rate_limit_error``, ``api_error``...).
        code: Stable machine-readable code.
        param: Request field at fault, if any.
        headers: Extra response headers (``WWW-Authenticate``, ``Retry-After``).
    """

    def __init__(
        self,
        status: int,
        message: str,
        type_: str,
        code: str,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type_
        self.code = code
        self.param = param
        self.headers = headers or {}
        if status == 401:
            self.headers.setdefault(
                "WWW-Authenticate", f'Bearer error="invalid_token", error_description="{code}"'
            )


class ErrorDetail(BaseModel):
    """OpenAI's error object."""

    message: str
    type: str
    param: str | None
    code: str


class ErrorBody(BaseModel):
    """Every error answer: ``{"error": {...}}``."""

    error: ErrorDetail


_MEANINGS = {
    400: "Invalid request (the field is named in param).",
    401: "Missing or invalid bearer token.",
    403: "The token lacks the scope this endpoint needs.",
    404: "Unknown model, or no such request for this tenant.",
    413: "Request body too large.",
    415: "Content-Type is not application/json.",
    422: "Idempotency-Key already used with a different request.",
    429: "Quota or rate limit exceeded; see Retry-After.",
    503: "Overloaded or a dependency is unavailable; see Retry-After.",
    504: "The deadline passed; the result stays retrievable at GET /v1/requests/{id}.",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries of the errors a route may answer."""
    return {s: {"model": ErrorBody, "description": _MEANINGS[s]} for s in statuses}


def error_response(error: ApiError) -> Response:
    """Render an :class:`ApiError` as an OpenAI-style JSON response."""
    body = {"error": {"message": error.message, "type": error.type, "param": error.param, "code": error.code}}
    return Response(
        orjson.dumps(body), status_code=error.status, media_type="application/json", headers=error.headers
    )


async def handle_api_error(request: Request, exc: Exception) -> Response:
    """FastAPI handler for :class:`ApiError`."""
    assert isinstance(exc, ApiError)
    return error_response(exc)


async def handle_validation_error(request: Request, exc: Exception) -> Response:
    """FastAPI handler turning body validation errors into 400 naming the field."""
    assert isinstance(exc, RequestValidationError)
    first: dict[str, Any] = exc.errors()[0] if exc.errors() else {}
    if first.get("type") == "json_invalid":
        return error_response(
            ApiError(
                400,
                f"the request body is not valid JSON: {first.get('ctx', {}).get('error', 'decode error')}",
                "invalid_request_error",
                "invalid_json",
            )
        )
    param = _param_of(first)
    message = (
        f"{param}: {first.get('msg', 'invalid')}" if param else str(first.get("msg", "invalid request body"))
    )
    return error_response(ApiError(400, message, "invalid_request_error", "invalid_request", param))


def _param_of(error: dict[str, Any]) -> str | None:
    """The request field at fault: the location without ``body`` and union tags (``/v1/...``)."""
    location = [str(p) for p in error.get("loc", ()) if p != "body" and not str(p).startswith("/")]
    if not location and error.get("type") == "union_tag_invalid":
        return str(error.get("ctx", {}).get("discriminator", "")).strip("'") or None
    return ".".join(location) or None


async def handle_http_error(request: Request, exc: Exception) -> Response:
    """FastAPI handler giving routing errors (404, 405) OpenAI's error shape."""
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    return error_response(ApiError(exc.status_code, str(exc.detail), "invalid_request_error", code))
