"""FastAPI dependencies: the runtime and the authenticated caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from gateway.auth import Principal
from gateway.runtime import GatewayRuntime, get_runtime

Runtime = Annotated[GatewayRuntime, Depends(get_runtime)]


def authenticate(
    request: Request,
    runtime: Runtime,
    authorization: Annotated[str | None, Header()] = None,
) -> Principal:
    """Verify the bearer token and remember the tenant for metrics and logs."""
    principal = runtime.verifier.verify(authorization)
    request.state.tenant = principal.tenant
    return principal


Caller = Annotated[Principal, Depends(authenticate)]
