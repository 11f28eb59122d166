"""``POST /v1/requests`` (asynchronous, 202) and ``GET /v1/requests/{id}``.

A result is stored under its tenant: another tenant's id is simply not found (404),
never "forbidden", so ids of other tenants cannot be probed.
"""

from __future__ import annotations

import time
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Body, Path
from fastapi.responses import Response
from pydantic import BaseModel

from gateway.answers import check_request
from gateway.auth import require_scope
from gateway.dependencies import Caller, IdempotencyKey, Runtime, Traceparent
from gateway.errors import ApiError, error_responses
from gateway.openai_models import AsyncRequest
from gateway.results import body_for
from gateway.scopes import CHAT

router = APIRouter(tags=["requests"])


class RequestStatus(BaseModel):
    """An asynchronous request and, once done, its OpenAI response or error."""

    id: str
    object: Literal["llmops.request"] = "llmops.request"
    status: Literal["pending", "completed", "failed"]
    response: dict[str, Any] | None = None
    error: dict[str, Any] | None = None


@router.post(
    "/v1/requests",
    status_code=202,
    response_model=RequestStatus,
    responses=error_responses(400, 401, 403, 404, 413, 415, 422, 429, 503),
)
async def submit_request(
    request: Annotated[AsyncRequest, Body()],
    caller: Caller,
    runtime: Runtime,
    traceparent: Traceparent = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Queue a chat or text completion and answer at once with its id (poll ``GET /v1/requests/{id}``)."""
    require_scope(caller, CHAT)
    if request.body.stream:
        raise ApiError(
            400,
            "stream is not supported on asynchronous requests",
            "invalid_request_error",
            "invalid_request",
            "body.stream",
        )
    check_request(runtime, request.body)
    request_id = await runtime.dispatcher.submit(request.body, caller, traceparent, idempotency_key)
    status = RequestStatus(id=request_id, status="pending")
    return Response(
        status.model_dump_json(),
        status_code=202,
        media_type="application/json",
        headers={"Location": f"/v1/requests/{request_id}", "X-Request-Id": request_id},
    )


@router.get(
    "/v1/requests/{request_id}",
    response_model=RequestStatus,
    responses=error_responses(400, 401, 403, 404, 503),
)
async def get_request(
    request_id: Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")],
    caller: Caller,
    runtime: Runtime,
) -> Response:
    """The state of a request of the caller's tenant, with its guarded result once settled."""
    require_scope(caller, CHAT)
    record = await runtime.ledger.record(caller.tenant, request_id)
    if record is None:
        raise ApiError(
            404, f"no request {request_id}", "invalid_request_error", "request_not_found", "request_id"
        )
    status = RequestStatus(id=request_id, status="pending")
    if record.result is not None and record.result["error"] is not None:
        status = RequestStatus(id=request_id, status="failed", error=record.result["error"])
    elif record.result is not None:
        status = RequestStatus(
            id=request_id, status="completed", response=body_for(record.kind, record.result, int(time.time()))
        )
    return Response(orjson.dumps(status.model_dump()), media_type="application/json")
