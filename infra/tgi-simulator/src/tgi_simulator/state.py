"""What every route of one simulator app shares, stored on the ``web.Application``."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from tgi_simulator.config import SimulatorConfig
from tgi_simulator.engine import Engine
from tgi_simulator.metrics import SimulatorMetrics


@dataclass(frozen=True)
class SimulatorState:
    """One simulator's configuration, metrics and engine."""

    config: SimulatorConfig
    metrics: SimulatorMetrics
    engine: Engine


STATE = web.AppKey("tgi_simulator.state", SimulatorState)


def state_of(request: web.Request) -> SimulatorState:
    """The state of the app serving ``request``."""
    return request.app[STATE]
