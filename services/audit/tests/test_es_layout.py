"""Index layout: naming from created_at, retention, feature detection (both paths), bulk retries.

A small fake Elasticsearch (aiohttp) plays the server that has ILM and data streams, and
scripts 429/503 answers; the path without them runs for real on noida-db in the
integration tests (and below, for retention).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from aiohttp import web
from elasticsearch import AsyncElasticsearch
from prometheus_client import CollectorRegistry

from audit.bulk import BulkIndexer
from audit.es_setup import enforce_retention, install
from audit.indices import AuditIndices, Capabilities
from audit.metric_defs import audit_metrics
from audit.testing import Noida, es_request
from llmops.backoff import Backoff
from llmops.errors import InvalidMessage

HEADERS = {"X-Elastic-Product": "Elasticsearch"}


@dataclass
class FakeElasticsearch:
    """The endpoints the audit service calls, with or without ILM, with scripted bulk answers."""

    ilm: bool
    url: str = ""
    requests: list[tuple[str, str, Any]] = field(default_factory=list)
    bulk_statuses: list[int] = field(default_factory=list)
    item_statuses: list[list[int]] = field(default_factory=list)
    indexed: dict[str, bytes] = field(default_factory=dict)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._handle)
        return app

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.requests.append((request.method, request.path, body))
        if request.path in {"/_ilm/status", "/_data_stream"} or request.path.startswith("/_ilm/"):
            return self._json({"operation_mode": "RUNNING", "data_streams": []}, 200 if self.ilm else 404)
        if request.path == "/_bulk":
            return self._bulk(body)
        return self._json({"acknowledged": True})

    def _bulk(self, body: bytes) -> web.Response:
        if self.bulk_statuses:
            return self._json({"error": "scripted"}, self.bulk_statuses.pop(0))
        lines = body.splitlines()
        actions = [orjson.loads(line)["index"] for line in lines[::2]]
        statuses = self.item_statuses.pop(0) if self.item_statuses else [201] * len(actions)
        items = []
        for action, source, status in zip(actions, lines[1::2], statuses, strict=True):
            if status < 300:
                self.indexed[action["_id"]] = source
            items.append({"index": {"_id": action["_id"], "status": status, "error": {"reason": "scripted"}}})
        return self._json({"errors": any(s >= 300 for s in statuses), "items": items})

    @staticmethod
    def _json(body: Any, status: int = 200) -> web.Response:
        return web.Response(
            body=orjson.dumps(body), status=status, content_type="application/json", headers=HEADERS
        )


async def _serve(fake: FakeElasticsearch) -> AsyncIterator[FakeElasticsearch]:
    runner = web.AppRunner(fake.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield fake
    finally:
        await runner.cleanup()


@pytest.fixture(params=[True, False], ids=["with-ilm", "without-ilm"])
async def server(request: pytest.FixtureRequest) -> AsyncIterator[FakeElasticsearch]:
    async for fake in _serve(FakeElasticsearch(ilm=request.param)):
        yield fake


@pytest.fixture
async def ilm_server() -> AsyncIterator[FakeElasticsearch]:
    async for fake in _serve(FakeElasticsearch(ilm=True)):
        yield fake


@pytest.mark.parametrize(
    ("created_at", "index"),
    [
        (0, "llmops-audit-1970.01.01"),
        (1_763_337_600_000, "llmops-audit-2025.11.17"),
        (1_763_423_999_999, "llmops-audit-2025.11.17"),  # last millisecond of the UTC day
        (1_763_424_000_000, "llmops-audit-2025.11.18"),
    ],
)
def test_daily_index_follows_the_request_created_at(created_at: int, index: str) -> None:
    assert AuditIndices().index_for(created_at) == index


@pytest.mark.parametrize(
    ("retention_days", "expected"),
    [
        (183, ["llmops-audit-2025.01.01", "llmops-audit-2025.05.19"]),
        (1, ["llmops-audit-2025.01.01", "llmops-audit-2025.05.19", "llmops-audit-2025.05.23"]),
        (400, []),
    ],
)
def test_expired_daily_indices(retention_days: int, expected: list[str]) -> None:
    names = [
        "llmops-audit-2025.05.23",
        "llmops-audit-2025.01.01",
        "llmops-audit-2025.11.20",
        "llmops-audit-2025.05.19",
        "llmops-audit-other",
        "llmops-audit-2025.11.21",
    ]
    now = datetime(2025, 11, 21, 12, tzinfo=UTC)

    assert AuditIndices(retention_days=retention_days).expired(names, now) == expected


async def test_install_uses_ilm_where_the_server_has_it(server: FakeElasticsearch) -> None:
    es = AsyncElasticsearch(server.url)
    try:
        capabilities = await install(es, AuditIndices(retention_days=30), server.url)
    finally:
        await es.close()

    assert capabilities == Capabilities(ilm=server.ilm, data_streams=server.ilm)
    assert capabilities.retention_mode == ("ilm" if server.ilm else "service")
    calls = {(method, path): body for method, path, body in server.requests}
    template = orjson.loads(calls[("PUT", "/_index_template/llmops-audit-retention")])
    assert template["index_patterns"] == ["llmops-audit-*"]
    assert template["template"]["aliases"] == {"llmops-audit": {}}
    assert template["template"]["mappings"]["dynamic"] is False
    lifecycle = template["template"]["settings"].get("index.lifecycle.name")
    if server.ilm:
        assert lifecycle == "llmops-audit-retention"
        policy = orjson.loads(calls[("PUT", "/_ilm/policy/llmops-audit-retention")])
        assert policy["policy"]["phases"]["delete"]["min_age"] == "30d"
    else:
        assert lifecycle is None
        assert not any(path.startswith("/_ilm/policy") for _, path, _ in server.requests)


async def test_bulk_retries_overload_and_server_errors_until_acknowledged(
    ilm_server: FakeElasticsearch,
) -> None:
    ilm_server.bulk_statuses = [503, 429]
    ilm_server.item_statuses = [[201, 429], [201]]
    es = AsyncElasticsearch(ilm_server.url, max_retries=0)
    bulk = BulkIndexer(
        es,
        audit_metrics(CollectorRegistry()),
        max_docs=2,
        flush_interval_s=0.01,
        backoff=Backoff(initial_s=0.01, maximum_s=0.02),
    )
    runner = asyncio.create_task(bulk.run())
    try:
        await asyncio.wait_for(
            asyncio.gather(bulk.submit("i", "a", b'{"n":1}'), bulk.submit("i", "b", b'{"n":2}')), timeout=10
        )
        rejected = bulk.submit("i", "c", b'{"n":3}')
        ilm_server.item_statuses = [[400]]
        with pytest.raises(InvalidMessage, match="rejected"):
            await asyncio.wait_for(rejected, timeout=10)
    finally:
        runner.cancel()
        await es.close()

    assert ilm_server.indexed == {"a": b'{"n":1}', "b": b'{"n":2}'}
    bulk_calls = [path for _, path, _ in ilm_server.requests if path == "/_bulk"]
    assert len(bulk_calls) == 5  # 503, 429, partial 429, the retried document, the rejected one


async def test_age_of_the_oldest_unacknowledged_document_is_the_audit_lag(
    ilm_server: FakeElasticsearch,
) -> None:
    registry, now = CollectorRegistry(), [100.0]
    es = AsyncElasticsearch(ilm_server.url, max_retries=0)
    bulk = BulkIndexer(es, audit_metrics(registry), flush_interval_s=0.01, clock=lambda: now[0])
    lag = "llmops_audit_oldest_unindexed_record_age_seconds"
    assert registry.get_sample_value(lag) == 0.0
    first = asyncio.create_task(bulk.submit("i", "a", b'{"n":1}'))
    await asyncio.sleep(0)
    now[0] = 104.0
    second = asyncio.create_task(bulk.submit("i", "b", b'{"n":2}'))
    await asyncio.sleep(0)
    now[0] = 107.5
    assert registry.get_sample_value(lag) == 7.5  # waiting, no batch sent yet

    runner = asyncio.create_task(bulk.run())
    try:
        await asyncio.wait_for(asyncio.gather(first, second), timeout=10)
    finally:
        runner.cancel()
        await es.close()

    assert registry.get_sample_value(lag) == 0.0


@pytest.mark.integration
async def test_retention_deletes_expired_daily_indices_on_a_server_without_ilm(noida: Noida) -> None:
    indices = AuditIndices(alias="retention-test", retention_days=183)
    for day in ("2020.01.01", "2020.07.15", "2099.01.01"):
        es_request(noida.es_url, "PUT", f"/retention-test-{day}")
    es = AsyncElasticsearch(noida.es_url)
    try:
        assert (await install(es, indices, noida.es_url)).retention_mode == "service"
        deleted = await enforce_retention(es, indices, datetime(2020, 12, 31, tzinfo=UTC))
    finally:
        await es.close()

    assert deleted == ["retention-test-2020.01.01"]
    remaining = es_request(noida.es_url, "GET", "/_cat/indices/retention-test-*?format=json&h=index")[1]
    assert sorted(row["index"] for row in remaining) == [
        "retention-test-2020.07.15",
        "retention-test-2099.01.01",
    ]
