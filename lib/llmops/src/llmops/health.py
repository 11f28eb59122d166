"""Liveness and readiness.

Liveness answers "is the process able to make progress" (its event loop answers);
readiness answers "should traffic or partitions come here" and runs named checks
(Kafka producer started, partitions assigned, Redis or Elasticsearch reachable).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

Check = Callable[[], Awaitable[bool]]


@dataclass
class Readiness:
    """Named readiness checks; the service is ready when every check passes.

    Attributes:
        timeout_s: Budget for each check; a check that does not answer in time fails,
            so a hung dependency makes the service unready instead of hanging the probe.
    """

    timeout_s: float = 2.0
    checks: dict[str, Check] = field(default_factory=dict)

    def add(self, name: str, check: Check) -> None:
        """Register a check under a name shown in the readiness answer."""
        self.checks[name] = check

    async def evaluate(self) -> tuple[bool, dict[str, bool]]:
        """Run every check concurrently; return overall readiness and each result."""
        names = list(self.checks)
        results = await asyncio.gather(*(self._run(self.checks[n]) for n in names))
        detail = dict(zip(names, results, strict=True))
        return all(results), detail

    async def _run(self, check: Check) -> bool:
        try:
            return await asyncio.wait_for(check(), self.timeout_s)
        except Exception:  # a failing check means "not ready", whatever the cause
            return False
