"""Readiness: every check must pass, in time; a failing, raising or hung check means not ready."""

from __future__ import annotations

import asyncio
import time

import pytest

from llmops.health import Check, Readiness


async def _passes() -> bool:
    return True


async def _fails() -> bool:
    return False


async def _raises() -> bool:
    raise ConnectionRefusedError("redis at 127.0.0.1:6379 refused")


async def _hangs() -> bool:
    await asyncio.sleep(60)
    return True


async def _slow_pass() -> bool:
    await asyncio.sleep(0.2)
    return True


@pytest.mark.parametrize(
    ("checks", "ready", "detail"),
    [
        ({"kafka": _passes, "redis": _passes}, True, {"kafka": True, "redis": True}),
        ({"kafka": _passes, "redis": _fails}, False, {"kafka": True, "redis": False}),
        ({"kafka": _raises, "redis": _passes}, False, {"kafka": False, "redis": True}),
        ({"kafka": _passes, "es": _hangs}, False, {"kafka": True, "es": False}),
        ({"kafka": _slow_pass}, True, {"kafka": True}),
    ],
    ids=["all-pass", "one-fails", "one-raises", "one-hangs", "slow-but-in-time"],
)
async def test_readiness(checks: dict[str, Check], ready: bool, detail: dict[str, bool]) -> None:
    readiness = Readiness(timeout_s=0.5)
    for name, check in checks.items():
        readiness.add(name, check)
    started = time.perf_counter()
    assert await readiness.evaluate() == (ready, detail)
    assert time.perf_counter() - started < 2.0, "a hung check must not hang the probe"


async def test_checks_run_concurrently() -> None:
    readiness = Readiness(timeout_s=1.0)
    for name in ("a", "b", "c", "d"):
        readiness.add(name, _slow_pass)
    started = time.perf_counter()
    ready, _ = await readiness.evaluate()
    assert ready
    assert time.perf_counter() - started < 0.6, "four 0.2 s checks ran one after another"


async def test_hung_check_is_cancelled() -> None:
    cancelled = asyncio.Event()

    async def hangs_until_cancelled() -> bool:
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return True

    readiness = Readiness(timeout_s=0.05)
    readiness.add("stuck", hangs_until_cancelled)
    assert await readiness.evaluate() == (False, {"stuck": False})
    assert cancelled.is_set()
