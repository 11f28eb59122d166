"""``/healthz``, ``/readyz`` and ``/metrics``."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from gateway.dependencies import Runtime

router = APIRouter(tags=["operations"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok", "service": "gateway"}


@router.get("/readyz", responses={503: {"description": "Not ready: the failing checks are false."}})
async def readyz(runtime: Runtime) -> JSONResponse:
    """Readiness: Kafka producer, reply partition and Redis are usable."""
    ready, checks = await runtime.readiness.evaluate()
    return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"description": "Prometheus text exposition.", "content": {"text/plain": {}}}},
)
async def metrics() -> Response:
    """Prometheus exposition of the gateway's metrics."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
