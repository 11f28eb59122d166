"""FastAPI dependencies: the runtime, the authenticated caller and request headers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from gateway.auth import Principal
from gateway.runtime import GatewayRuntime, get_runtime

Runtime = Annotated[GatewayRuntime, Depends(get_runtime)]


BEARER = HTTPBearer(
    auto_error=False, description="OAuth2 access token: a JWT with tenant, sub and scope claims."
)
"""Declares the bearer scheme in the OpenAPI document; the token itself is checked by the verifier."""


async def authenticate(
    request: Request,
    runtime: Runtime,
    _: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)],
) -> Principal:
    """Verify the bearer token and remember the tenant for metrics and logs."""
    principal = await runtime.verifier.verify(request.headers.get("authorization"))
    request.state.tenant = principal.tenant
    return principal


Caller = Annotated[Principal, Depends(authenticate)]
Traceparent = Annotated[str | None, Header(max_length=128)]
IdempotencyKey = Annotated[
    str | None,
    Header(min_length=1, max_length=256, description="Retrying with the same key returns the first result."),
]
