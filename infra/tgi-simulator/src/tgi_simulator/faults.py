"""Fault injection, switched at run time through ``/admin/faults``.

Operators and tests set a :class:`FaultPlan` while the simulator serves traffic, to see
what the platform does when the model server misbehaves: a share of requests failing
(500), answering TGI's 503 "overloaded", taking a latency spike, hanging, or the whole
server being down (every route but ``/admin`` answers 503). Hanging requests resume as
soon as the plan stops asking for hangs, so a test can release them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from tgi_simulator.errors import TgiError

CONTENT_MODES = ("clean", "pii", "secrets", "abusive", "mixed")


@dataclass(frozen=True)
class FaultPlan:
    """What to break, as shares of generation requests (each in [0, 1]).

    Attributes:
        error_rate: Answered 500 ``generation`` error.
        overloaded_rate: Answered 503 ``overloaded``.
        spike_rate: Delayed by ``spike_ms`` before joining the queue.
        spike_ms: Length of a latency spike.
        hang_rate: Never answered while the plan holds (the client must time out).
        outage: Every route but ``/admin`` answers 503.
        content_mode: ``clean``, or what answers may contain: ``pii``, ``secrets``,
            ``abusive`` or ``mixed`` (any of the three).
        content_rate: Share of answers carrying such content (decided per prompt).
    """

    error_rate: float = 0.0
    overloaded_rate: float = 0.0
    spike_rate: float = 0.0
    spike_ms: float = 0.0
    hang_rate: float = 0.0
    outage: bool = False
    content_mode: str = "clean"
    content_rate: float = 0.0

    def __post_init__(self) -> None:
        """Reject shares outside [0, 1], negative spikes and unknown content modes."""
        rates = ("error_rate", "overloaded_rate", "spike_rate", "hang_rate", "content_rate")
        problems = [
            f"{name} must be within [0, 1]" for name in rates if not 0.0 <= getattr(self, name) <= 1.0
        ]
        if self.spike_ms < 0:
            problems.append("spike_ms must be >= 0")
        if self.content_mode not in CONTENT_MODES:
            problems.append(f"content_mode must be one of {', '.join(CONTENT_MODES)}")
        if problems:
            raise ValueError("; ".join(problems))

    def updated(self, changes: dict[str, Any]) -> FaultPlan:
        """A copy with ``changes`` applied (unknown keys or bad types raise ValueError)."""
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown fault settings: {', '.join(unknown)}")
        try:
            typed: dict[str, Any] = {k: _typed(getattr(self, k), v) for k, v in changes.items()}
            return dataclasses.replace(self, **typed)
        except TypeError as exc:
            raise ValueError(str(exc)) from exc


def _typed(current: object, value: object) -> object:
    if isinstance(current, bool):
        if not isinstance(value, bool):
            raise TypeError("outage must be true or false")
        return value
    if isinstance(current, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError("rates and spike_ms must be numbers")
        return float(value)
    if not isinstance(value, str):
        raise TypeError("content_mode must be a string")
    return value


class Faults:
    """The current plan and the per-request decisions it implies."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self.plan = FaultPlan()
        self._rng = rng or random.Random()
        self._changed = asyncio.Event()

    def set_plan(self, plan: FaultPlan) -> None:
        """Switch to ``plan``; hanging requests re-check it at once."""
        self.plan = plan
        self._changed.set()
        self._changed = asyncio.Event()

    async def before_admission(self) -> None:
        """Apply the plan to one generation request before it joins the queue.

        Raises:
            TgiError: 503 when the server is down or answers overloaded, 500 on an injected error.
        """
        plan = self.plan
        if plan.outage:
            raise outage()
        if self._rng.random() < plan.overloaded_rate:
            raise TgiError(HTTPStatus.SERVICE_UNAVAILABLE, "Model is overloaded", "overloaded")
        if self._rng.random() < plan.error_rate:
            raise TgiError(
                HTTPStatus.INTERNAL_SERVER_ERROR,
                "Request failed during generation: injected fault",
                "generation",
            )
        if self._rng.random() < plan.spike_rate:
            await asyncio.sleep(plan.spike_ms / 1000.0)
        if self._rng.random() < plan.hang_rate:
            await self._hang()

    async def _hang(self) -> None:
        while self.plan.hang_rate > 0.0:
            await self._changed.wait()
        if self.plan.outage:
            raise outage()


def outage() -> TgiError:
    """The answer of a server that is down."""
    return TgiError(HTTPStatus.SERVICE_UNAVAILABLE, "Service unavailable: injected outage", "unavailable")
