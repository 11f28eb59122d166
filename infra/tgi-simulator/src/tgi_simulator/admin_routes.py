"""``/admin/faults``: read and switch the fault plan while the simulator runs.

``GET`` answers the plan; ``PUT`` or ``POST`` with a JSON object changes the named
settings (the others keep their values); ``DELETE`` restores the healthy plan. A bad
setting is a 400 naming it. These routes keep answering during an injected outage.
"""

from __future__ import annotations

import dataclasses

import orjson
from aiohttp import web

from tgi_simulator.faults import FaultPlan
from tgi_simulator.state import state_of

ADMIN_PREFIX = "/admin/"


def _plan_response(plan: FaultPlan) -> web.Response:
    return web.Response(body=orjson.dumps(dataclasses.asdict(plan)), content_type="application/json")


async def get_faults(request: web.Request) -> web.Response:
    """``GET /admin/faults``."""
    return _plan_response(state_of(request).engine.faults.plan)


async def set_faults(request: web.Request) -> web.Response:
    """``PUT``/``POST /admin/faults``: apply the settings in the JSON body."""
    faults = state_of(request).engine.faults
    try:
        changes = orjson.loads(await request.read())
        if not isinstance(changes, dict):
            raise ValueError("the body must be a JSON object")
        plan = faults.plan.updated(changes)
    except (orjson.JSONDecodeError, ValueError) as exc:
        return web.Response(
            status=400, body=orjson.dumps({"error": str(exc)}), content_type="application/json"
        )
    faults.set_plan(plan)
    return _plan_response(plan)


async def reset_faults(request: web.Request) -> web.Response:
    """``DELETE /admin/faults``: back to a healthy server."""
    faults = state_of(request).engine.faults
    faults.set_plan(FaultPlan())
    return _plan_response(faults.plan)


def add_routes(app: web.Application) -> None:
    """Register the admin routes on ``app``."""
    app.router.add_get("/admin/faults", get_faults)
    app.router.add_put("/admin/faults", set_faults)
    app.router.add_post("/admin/faults", set_faults)
    app.router.add_delete("/admin/faults", reset_faults)
