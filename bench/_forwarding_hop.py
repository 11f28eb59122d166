"""The floor of one Python HTTP hop: FastAPI forwarding to the model server with aiohttp.

Run as ``python -m bench._forwarding_hop UPSTREAM PORT`` (uvloop, httptools, as the gateway).
It does nothing but forward: no auth, no quotas, no Kafka, no guardrails.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import uvicorn
from fastapi import FastAPI, Request, Response


def create_app(upstream: str) -> FastAPI:
    """A FastAPI app forwarding ``POST /v1/completions`` to ``upstream``."""
    session: dict[str, aiohttp.ClientSession] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        session["client"] = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1000))
        yield
        await session["client"].close()

    app = FastAPI(lifespan=lifespan)

    @app.post("/v1/completions")
    async def forward(request: Request) -> Response:
        body = await request.body()
        headers = {"Content-Type": "application/json"}
        async with session["client"].post(f"{upstream}/v1/completions", data=body, headers=headers) as answer:
            return Response(await answer.read(), status_code=answer.status, media_type="application/json")

    return app


if __name__ == "__main__":
    uvicorn.run(
        create_app(sys.argv[1]),
        host="127.0.0.1",
        port=int(sys.argv[2]),
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
    )
