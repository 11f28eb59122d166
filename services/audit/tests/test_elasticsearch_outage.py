"""Elasticsearch goes away while traffic flows: the worker backs off, keeps its offsets and catches up.

The worker talks to noida-db's Elasticsearch through a small proxy that can answer 503
to everything, so Kafka stays up while Elasticsearch is "down".
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp import web

from audit.sample_events import sample_inference
from audit.testing import HOST, AuditProcess, Noida, count, new_ids, produce, wait_for
from llmops.codec import AvroCodec

pytestmark = pytest.mark.integration


@dataclass
class SwitchableProxy:
    """Forward every request to ``upstream``, or answer 503 while ``down``."""

    upstream: str
    down: bool = False
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        if self.down:
            return web.json_response({"error": "proxy: elasticsearch down"}, status=503)
        async with (
            aiohttp.ClientSession() as session,
            session.request(
                request.method,
                f"{self.upstream}{request.path_qs}",
                data=await request.read(),
                headers={"content-type": request.headers.get("content-type", "application/json")},
            ) as answer,
        ):
            body = await answer.read()
            headers = {"content-type": answer.headers.get("content-type", "application/json")}
            return web.Response(
                body=body, status=answer.status, headers=headers | {"X-Elastic-Product": "Elasticsearch"}
            )


@pytest.fixture
async def proxy(noida: Noida) -> AsyncIterator[SwitchableProxy]:
    switch = SwitchableProxy(noida.es_url)
    app = web.Application()
    app.router.add_route("*", "/{path:.*}", switch.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, HOST, 0)
    await site.start()
    switch.url = f"http://{HOST}:{runner.addresses[0][1]}"
    try:
        yield switch
    finally:
        await runner.cleanup()


def _bulk_retries(worker: AuditProcess) -> float:
    with urllib.request.urlopen(f"http://{HOST}:{worker.http_port}/metrics", timeout=5) as response:
        for line in response.read().decode().splitlines():
            if line.startswith("llmops_audit_bulk_retries_total"):
                return float(line.split()[-1])
    return 0.0


async def test_outage_delays_records_and_loses_none(
    noida: Noida,
    proxy: SwitchableProxy,
    start_audit: Callable[..., AuditProcess],
    audit_index: str,
    codec: AvroCodec,
) -> None:
    worker = await asyncio.to_thread(start_audit, elasticsearch_url=proxy.url)
    proxy.down = True
    ids = await produce(
        noida.bootstrap, codec, [sample_inference(i, int(time.time() * 1000)) for i in new_ids(200)]
    )

    await asyncio.to_thread(
        wait_for, lambda: _bulk_retries(worker) >= 2, 60, "bulk retries during the outage"
    )
    assert count(noida.es_url, audit_index, {"ids": {"values": ids}}) == 0
    proxy.down = False

    await asyncio.to_thread(
        wait_for, lambda: count(noida.es_url, audit_index, {"ids": {"values": ids}}) == 200, 90, "catch-up"
    )
    assert count(noida.es_url, audit_index) == 200
