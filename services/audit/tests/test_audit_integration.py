"""The audit worker against real Kafka and Elasticsearch (noida-db): records, PII, faults, restarts."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from elasticsearch import AsyncElasticsearch

from audit.mapping import field_paths
from audit.sample_events import PII_EMAIL, PII_PHONE, sample_inference
from audit.testing import AuditProcess, Noida, count, es_request, new_ids, produce, wait_for
from audit.verify import verify
from llmops import topics
from llmops.codec import AvroCodec

pytestmark = pytest.mark.integration
CHANGELOG = "llmops-audit-joins-changelog"

StartAudit = Callable[..., AuditProcess]


def _records(noida: Noida, alias: str, ids: list[str]) -> list[dict[str, Any]]:
    es_request(noida.es_url, "POST", f"/{alias}/_refresh")
    status, body = es_request(
        noida.es_url, "POST", f"/{alias}/_search", {"query": {"ids": {"values": ids}}, "size": len(ids)}
    )
    assert status == 200, body
    return [hit | {"_source": hit["_source"]} for hit in body["hits"]["hits"]]


async def _read_all(bootstrap: str, topic: str) -> list[bytes]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        batches = await consumer.getmany(timeout_ms=3000, max_records=100_000)
        return [r.value or b"" for records in batches.values() for r in records]
    finally:
        await consumer.stop()


async def test_each_inference_gets_one_record_in_its_daily_index_and_no_pii(
    noida: Noida, start_audit: StartAudit, audit_index: str, codec: AvroCodec
) -> None:
    start_audit()
    created_at = int(time.time() * 1000) - 3 * 86_400_000  # three days ago: the index follows created_at
    ids = await produce(noida.bootstrap, codec, [sample_inference(i, created_at) for i in new_ids(300)])

    wait_for(lambda: count(noida.es_url, audit_index, {"ids": {"values": ids}}) == 300, 60, "300 records")

    records = _records(noida, audit_index, ids)
    assert sorted(r["_id"] for r in records) == sorted(ids)
    day = time.strftime("%Y.%m.%d", time.gmtime(created_at / 1000))
    assert {r["_index"] for r in records} == {f"{audit_index}-{day}"}
    assert all(r["_source"]["status"] == "complete" for r in records)
    everything = es_request(noida.es_url, "POST", f"/{audit_index}/_search", {"size": 10_000})[1]
    for needle in (PII_EMAIL, "maria.bianchi", PII_PHONE, "347 555", "user-42"):
        query = {"multi_match": {"query": needle, "fields": ["prompt.redacted", "output.redacted"]}}
        hits = es_request(noida.es_url, "POST", f"/{audit_index}/_search", {"query": query})[1]
        assert hits["hits"]["total"]["value"] == 0, needle
        assert needle not in str(everything), needle
    (mapping,) = es_request(noida.es_url, "GET", f"/{audit_index}/_mapping")[1].values()
    assert field_paths(mapping["mappings"]) >= field_paths(), (
        "the daily index got the template's explicit mapping"
    )
    changelog = b"".join(await _read_all(noida.bootstrap, "llmops-audit-joins-changelog"))
    assert PII_EMAIL.encode() not in changelog and PII_PHONE.encode() not in changelog


async def test_join_timeout_writes_incomplete_records_with_hashes_only(
    noida: Noida, start_audit: StartAudit, audit_index: str, codec: AvroCodec
) -> None:
    start_audit(join_timeout_s="1", join_check_interval_s="0.5")
    now = int(time.time() * 1000)
    only_request = await produce(
        noida.bootstrap, codec, [sample_inference(i, now) for i in new_ids(3)], ("request",)
    )
    no_response = await produce(
        noida.bootstrap, codec, [sample_inference(i, now) for i in new_ids(2)], ("request", "completion")
    )
    ids = only_request + no_response

    wait_for(
        lambda: count(noida.es_url, audit_index, {"ids": {"values": ids}}) == 5, 60, "5 incomplete records"
    )

    by_id = {r["_id"]: r["_source"] for r in _records(noida, audit_index, ids)}
    assert {by_id[i]["missing"] == ["completion", "response"] for i in only_request} == {True}
    assert {by_id[i]["missing"] == ["response"] for i in no_response} == {True}
    for source in by_id.values():
        assert source["status"] == "incomplete"
        assert set(source["prompt"]) == {"sha256", "length"}
        assert PII_EMAIL not in str(source) and PII_PHONE not in str(source)


async def test_malformed_events_are_dead_lettered_and_the_rest_is_audited(
    noida: Noida, start_audit: StartAudit, audit_index: str, codec: AvroCodec
) -> None:
    start_audit()
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=noida.bootstrap, acks="all")
    await producer.start()
    try:
        marker = f"not avro {audit_index}".encode()
        await producer.send_and_wait(topics.RESPONSES.name, marker, key=b"broken")
    finally:
        await producer.stop()
    ids = await produce(
        noida.bootstrap, codec, [sample_inference(i, int(time.time() * 1000)) for i in new_ids(5)]
    )

    wait_for(lambda: count(noida.es_url, audit_index, {"ids": {"values": ids}}) == 5, 60, "5 records")
    dead = [
        codec.decode(v, topics.DEADLETTER.schema)
        for v in await _read_all(noida.bootstrap, topics.DEADLETTER.name)
    ]
    assert any(d["payload"] == marker and d["service"] == "audit" for d in dead)


async def test_sigkill_during_traffic_leaves_exactly_one_record_per_request(
    noida: Noida, start_audit: StartAudit, audit_index: str, codec: AvroCodec
) -> None:
    worker = start_audit()
    now = int(time.time() * 1000)
    ids = new_ids(2500)
    inferences = [sample_inference(i, now) for i in ids]
    producing = asyncio.create_task(produce(noida.bootstrap, codec, inferences))

    await asyncio.to_thread(wait_for, lambda: count(noida.es_url, audit_index) > 100, 180, "first records")
    worker.kill()
    await producing
    before_restart = count(noida.es_url, audit_index)
    start_audit()

    await asyncio.to_thread(wait_for, lambda: count(noida.es_url, audit_index) >= 2500, 300, "2500 records")
    assert before_restart < 2500, "the kill came too late to test anything"
    await asyncio.sleep(2)  # anything still in flight would land now
    assert count(noida.es_url, audit_index) == 2500
    assert count(noida.es_url, audit_index, {"ids": {"values": ids}}) == 2500
    es = AsyncElasticsearch(noida.es_url)
    try:  # the chains continue across the kill: no fork, no gap, no record sealed twice
        report = await verify(es, audit_index, noida.bootstrap, now, now, codec)
    finally:
        await es.close()
    assert (report.ok, report.requests, report.records) == (True, 2500, 2500), report


async def _changelog_writes(bootstrap: str) -> int:
    """Messages written to the join table's changelog so far (all partitions)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        if CHANGELOG not in await consumer.topics():
            return 0  # the first worker has not created it yet
        partitions = [TopicPartition(CHANGELOG, p) for p in consumer.partitions_for_topic(CHANGELOG) or ()]
        return sum((await consumer.end_offsets(partitions)).values())
    finally:
        await consumer.stop()


async def test_a_backlog_is_joined_as_it_is_read(
    noida: Noida, start_audit: StartAudit, audit_index: str, codec: AvroCodec
) -> None:
    """A catch-up reads the three topics in step (balanced polls, co-partitioned delivery), so
    its joins seal as they are read: about one changelog write per inference (the sealed
    record), not an open state first (1.5 per inference when one topic ran ahead)."""
    backlog = 4000  # more events than one poll takes (10,000), so the polls' balance matters
    before = await _changelog_writes(noida.bootstrap)
    await produce(
        noida.bootstrap, codec, [sample_inference(i, int(time.time() * 1000)) for i in new_ids(backlog)]
    )
    start_audit()

    await asyncio.to_thread(wait_for, lambda: count(noida.es_url, audit_index) >= backlog, 180, "the backlog")
    written = await _changelog_writes(noida.bootstrap) - before
    assert backlog <= written < 1.15 * backlog, f"{written / backlog:.2f} changelog writes per inference"
