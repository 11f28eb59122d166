"""The aiohttp application factory.

``create_app(config)`` builds a self-contained simulator (own engine, own metrics
registry), so tests and other code can run several in one process with
``web.AppRunner`` or ``aiohttp.test_utils``.
"""

from __future__ import annotations

import orjson
from aiohttp import web
from aiohttp.typedefs import Handler

from tgi_simulator import admin_routes, openai_routes, ops_routes, tgi_routes
from tgi_simulator.config import SimulatorConfig
from tgi_simulator.engine import Engine
from tgi_simulator.errors import TgiError
from tgi_simulator.faults import outage
from tgi_simulator.metrics import SimulatorMetrics
from tgi_simulator.state import STATE, SimulatorState, state_of

MAX_BODY_BYTES = 16 * 1024 * 1024
"""Largest accepted request body (aiohttp's default 1 MiB is too small for long prompts)."""


def create_app(config: SimulatorConfig | None = None) -> web.Application:
    """Build a simulator serving TGI's HTTP API.

    Args:
        config: Model, limits and latency; defaults to :class:`SimulatorConfig`'s.

    Returns:
        An application ready for ``web.AppRunner`` or ``web.run_app``.
    """
    config = config or SimulatorConfig()
    metrics = SimulatorMetrics(config.max_input_tokens, config.max_total_tokens)
    app = web.Application(middlewares=[tgi_errors], client_max_size=MAX_BODY_BYTES)
    engine = Engine(config, metrics)
    app[STATE] = SimulatorState(config, metrics, engine)
    admin_routes.add_routes(app)
    app.router.add_post("/", tgi_routes.compat_generate)
    app.router.add_post("/generate", tgi_routes.generate)
    app.router.add_post("/generate_stream", tgi_routes.generate_stream)
    app.router.add_post("/v1/chat/completions", openai_routes.chat_completions)
    app.router.add_post("/v1/completions", openai_routes.completions)
    app.router.add_get("/info", ops_routes.info)
    app.router.add_get("/health", ops_routes.health)
    app.router.add_get("/metrics", ops_routes.metrics)
    app.router.add_get("/v1/models", ops_routes.models)

    async def stop_engine(_app: web.Application) -> None:
        await engine.close()

    app.on_cleanup.append(stop_engine)
    return app


@web.middleware
async def tgi_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer a :class:`TgiError` with its status and TGI body, and count the failure."""
    try:
        if state_of(request).engine.faults.plan.outage and not request.path.startswith(
            admin_routes.ADMIN_PREFIX
        ):
            raise outage()
        return await handler(request)
    except TgiError as error:
        state_of(request).metrics.failures.inc(error.error_type)
        return web.Response(
            status=error.status, body=orjson.dumps(error.payload()), content_type="application/json"
        )
