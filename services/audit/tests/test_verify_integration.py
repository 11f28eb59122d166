"""``llmops audit verify`` against real records: intact, then tampered, missing and deleted ones named."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import orjson
import pytest
from elasticsearch import AsyncElasticsearch
from typer.testing import CliRunner

from audit.sample_events import sample_inference
from audit.testing import AuditProcess, Noida, count, es_request, new_ids, produce, wait_for
from audit.verify import verify
from llmops.cli.main import app
from llmops.codec import AvroCodec

pytestmark = pytest.mark.integration


def _source(noida: Noida, alias: str, request_id: str) -> tuple[str, dict[str, Any]]:
    hits = es_request(
        noida.es_url, "POST", f"/{alias}/_search", {"query": {"ids": {"values": [request_id]}}}
    )[1]
    (hit,) = hits["hits"]["hits"]
    return hit["_index"], hit["_source"]


def _inside_its_chain(noida: Noida, alias: str, ids: list[str]) -> str:
    """A request whose record has chained neighbours on both sides (so its deletion leaves a gap)."""
    chains = [_source(noida, alias, i)[1]["chain"] for i in ids]
    for request_id, chain in zip(ids, chains, strict=True):
        seqs = [c["seq"] for c in chains if c["partition"] == chain["partition"]]
        if min(seqs) < chain["seq"] < max(seqs):
            return request_id
    raise AssertionError("no record with neighbours on both sides")


async def test_verify_names_changed_deleted_and_missing_records(
    noida: Noida, start_audit: Callable[..., AuditProcess], audit_index: str, codec: AvroCodec
) -> None:
    start_audit()
    since = int(time.time() * 1000)
    ids = await produce(
        noida.bootstrap, codec, [sample_inference(i, since + n) for n, i in enumerate(new_ids(60))]
    )
    wait_for(lambda: count(noida.es_url, audit_index, {"ids": {"values": ids}}) == 60, 60, "60 records")
    until = int(time.time() * 1000)
    es = AsyncElasticsearch(noida.es_url)
    try:
        intact = await verify(es, audit_index, noida.bootstrap, since, until, codec)
        assert (intact.ok, intact.requests, intact.records) == (True, 60, 60), intact

        changed, removed = ids[10], _inside_its_chain(noida, audit_index, ids[11:])
        index, source = _source(noida, audit_index, changed)
        source["guardrails"]["action"] = "allow"  # a cover-up: the redaction never happened
        es_request(noida.es_url, "PUT", f"/{index}/_doc/{changed}?refresh=true", source)
        index, removed_source = _source(noida, audit_index, removed)
        es_request(noida.es_url, "DELETE", f"/{index}/_doc/{removed}?refresh=true")

        tampered = await verify(es, audit_index, noida.bootstrap, since, until, codec)
    finally:
        await es.close()

    assert not tampered.ok
    assert tampered.altered == [changed]
    assert tampered.missing == [removed]
    chain = removed_source["chain"]
    assert tampered.deleted == [f"{chain['partition']}:{chain['seq']}"]


def test_cli_reports_through_llmops_audit_verify(noida: Noida, audit_index: str) -> None:
    result = CliRunner().invoke(
        app,
        [
            "audit",
            "verify",
            "--since",
            "2m",
            "--settle",
            "0s",
            "--es-url",
            noida.es_url,
            "--kafka-bootstrap",
            noida.bootstrap,
            "--index",
            audit_index,
            "--json",
        ],
    )

    report = orjson.loads(result.stdout)
    assert set(report) >= {"requests", "records", "missing", "altered", "deleted", "ok"}
    assert result.exit_code == (0 if report["ok"] else 1)
