"""AuditWriter against a fake Elasticsearch: idempotent writes, failures classified for retry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest
from aiohttp import web
from elasticsearch import ApiError

from audit.writer import AuditWriter
from llmops.errors import RetriableError


@dataclass
class FakeElasticsearch:
    """The few Elasticsearch endpoints the audit writer uses, with scripted failures.

    Attributes:
        documents: Indexed documents by (index, id).
        indices: Existing indices.
        index_statuses: Statuses to answer the next document writes with, before succeeding.
        requests: Method and path of every request received.
    """

    documents: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    indices: set[str] = field(default_factory=set)
    index_statuses: list[int] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    url: str = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("HEAD", "/", self._root)
        app.router.add_route("HEAD", "/{index}", self._exists)
        app.router.add_put("/{index}", self._create)
        app.router.add_put("/{index}/_doc/{id}", self._index)
        return app

    @staticmethod
    def _json(body: dict[str, Any], status: int = 200) -> web.Response:
        return web.Response(
            body=orjson.dumps(body),
            status=status,
            content_type="application/json",
            headers={"X-Elastic-Product": "Elasticsearch"},
        )

    async def _root(self, request: web.Request) -> web.Response:
        self.requests.append((request.method, request.path))
        return web.Response(status=200, headers={"X-Elastic-Product": "Elasticsearch"})

    async def _exists(self, request: web.Request) -> web.Response:
        self.requests.append((request.method, request.path))
        status = 200 if request.match_info["index"] in self.indices else 404
        return web.Response(status=status, headers={"X-Elastic-Product": "Elasticsearch"})

    async def _create(self, request: web.Request) -> web.Response:
        self.requests.append((request.method, request.path))
        self.indices.add(request.match_info["index"])
        return self._json({"acknowledged": True, "index": request.match_info["index"]})

    async def _index(self, request: web.Request) -> web.Response:
        self.requests.append((request.method, request.path))
        if self.index_statuses:
            status = self.index_statuses.pop(0)
            return self._json({"error": {"type": "scripted", "reason": "scripted"}, "status": status}, status)
        index, doc_id = request.match_info["index"], request.match_info["id"]
        created = (index, doc_id) not in self.documents
        self.documents[(index, doc_id)] = orjson.loads(await request.read())
        return self._json(
            {"_index": index, "_id": doc_id, "result": "created" if created else "updated"},
            201 if created else 200,
        )


@pytest.fixture
async def elasticsearch() -> AsyncIterator[FakeElasticsearch]:
    fake = FakeElasticsearch()
    runner = web.AppRunner(fake.app())
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        fake.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        yield fake
    finally:
        await runner.cleanup()


@pytest.fixture
async def writer(elasticsearch: FakeElasticsearch) -> AsyncIterator[AuditWriter]:
    client = AuditWriter(elasticsearch.url, "llmops-audit-test")
    yield client
    await client.client.close()


async def test_first_write_creates_the_index_then_indexes_by_request_id(
    elasticsearch: FakeElasticsearch, writer: AuditWriter
) -> None:
    await writer.write("req-1", {"request_id": "req-1", "n": 1})
    await writer.write("req-2", {"request_id": "req-2", "n": 2})

    assert elasticsearch.indices == {"llmops-audit-test"}
    assert elasticsearch.documents == {
        ("llmops-audit-test", "req-1"): {"request_id": "req-1", "n": 1},
        ("llmops-audit-test", "req-2"): {"request_id": "req-2", "n": 2},
    }
    existence_checks = [r for r in elasticsearch.requests if r == ("HEAD", "/llmops-audit-test")]
    assert len(existence_checks) == 1, "the index is checked once, not on every write"


async def test_existing_index_is_not_recreated(elasticsearch: FakeElasticsearch, writer: AuditWriter) -> None:
    elasticsearch.indices.add("llmops-audit-test")

    await writer.write("req-1", {"n": 1})

    assert ("PUT", "/llmops-audit-test") not in elasticsearch.requests


async def test_replayed_record_overwrites_its_own_document(
    elasticsearch: FakeElasticsearch, writer: AuditWriter
) -> None:
    await writer.write("req-1", {"n": 1})
    await writer.write("req-1", {"n": 2})

    assert elasticsearch.documents == {("llmops-audit-test", "req-1"): {"n": 2}}


@pytest.mark.parametrize("status", [429, 500, 503])
async def test_overload_and_server_errors_are_retriable(
    elasticsearch: FakeElasticsearch, writer: AuditWriter, status: int
) -> None:
    elasticsearch.index_statuses = [status] * 10  # outlasts the client's own retries

    with pytest.raises(RetriableError):
        await writer.write("req-1", {"n": 1})

    assert elasticsearch.documents == {}


async def test_rejected_document_is_not_retriable(
    elasticsearch: FakeElasticsearch, writer: AuditWriter
) -> None:
    elasticsearch.index_statuses = [400]

    with pytest.raises(ApiError) as caught:
        await writer.write("req-1", {"n": 1})

    assert not isinstance(caught.value, RetriableError)
    assert caught.value.meta.status == 400


async def test_unreachable_elasticsearch_is_retriable(closed_url: str) -> None:
    writer = AuditWriter(closed_url, "llmops-audit-test")
    try:
        with pytest.raises(RetriableError, match="elasticsearch unavailable"):
            await writer.write("req-1", {"n": 1})
        assert await writer.ping() is False
    finally:
        await writer.client.close()


async def test_ping_answers_true_when_elasticsearch_answers(writer: AuditWriter) -> None:
    assert await writer.ping() is True
