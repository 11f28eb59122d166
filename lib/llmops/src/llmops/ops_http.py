"""``/healthz``, ``/readyz`` and ``/metrics`` for a service that runs no faust web server.

The same answers as the faust services give (:mod:`llmops.streaming_service`): liveness as
``{"status": "ok", "service": ...}``, readiness as the named checks of a
:class:`~llmops.health.Readiness` (503 when one fails), and the Prometheus exposition of
the global registry. Served by aiohttp, which faust's web server runs on too.
"""

from __future__ import annotations

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from llmops.health import Readiness


async def start_ops_server(service: str, readiness: Readiness, host: str, port: int) -> web.AppRunner:
    """Serve the three endpoints on ``host:port``; call ``cleanup()`` on the result to stop."""

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "service": service})

    async def readyz(request: web.Request) -> web.Response:
        ready, checks = await readiness.evaluate()
        return web.json_response({"ready": ready, "checks": checks}, status=200 if ready else 503)

    async def metrics(request: web.Request) -> web.Response:
        return web.Response(body=generate_latest(), content_type=CONTENT_TYPE_LATEST.split(";")[0])

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
