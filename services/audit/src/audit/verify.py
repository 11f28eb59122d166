"""``llmops audit verify``: recompute the hash chains and check completeness over a time range.

Completeness: every request on ``llm.requests.v1`` created in the range has exactly one
record (the topic is read from the offsets of the range's start, without joining any
consumer group). Integrity: for each partition, every record of the range and the records
chained between them are fetched in chain order; a record whose hash does not match its
content was changed, a record whose ``prev_hash`` is not its predecessor's hash follows a
changed or removed record, and a gap in ``chain.seq`` is a deleted record.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import AsyncElasticsearch

from audit.chain import record_hash
from audit.kafka_scan import request_ids_between

PAGE = 1000


@dataclass
class VerifyReport:
    """What ``verify`` found.

    Attributes:
        requests: Requests created in the range (from Kafka).
        records: Records of the range (from Elasticsearch).
        missing: Request ids without a record.
        duplicated: Request ids with more than one record.
        altered: Request ids whose record no longer matches its hash.
        broken_links: Request ids whose ``prev_hash`` is not their predecessor's hash.
        deleted: ``partition:seq`` of chain positions with no record.
    """

    requests: int = 0
    records: int = 0
    missing: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)
    broken_links: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the range is complete and every chain is intact."""
        return not (self.missing or self.duplicated or self.altered or self.broken_links or self.deleted)


async def verify(
    es: AsyncElasticsearch, alias: str, bootstrap: str, since_ms: int, until_ms: int, codec: Any
) -> VerifyReport:
    """Check completeness and integrity of the records of requests created in [since, until]."""
    report = VerifyReport()
    requested = await request_ids_between(bootstrap, codec, since_ms, until_ms)
    in_range = await _search_all(es, alias, {"range": {"@timestamp": {"gte": since_ms, "lte": until_ms}}})
    counts = Counter(hit["_id"] for hit in in_range)
    report.requests, report.records = len(requested), len(in_range)
    report.missing = sorted(requested - set(counts))
    report.duplicated = sorted(rid for rid, n in counts.items() if n > 1)
    for partition, (low, high) in _seq_ranges(in_range).items():
        chained = await _search_all(
            es,
            alias,
            {
                "bool": {
                    "filter": [
                        {"term": {"chain.partition": partition}},
                        {"range": {"chain.seq": {"gte": low, "lte": high}}},
                    ]
                }
            },
        )
        _check_chain(partition, low, high, [hit["_source"] for hit in chained], report)
    return report


def _seq_ranges(hits: list[dict[str, Any]]) -> dict[int, tuple[int, int]]:
    ranges: dict[int, tuple[int, int]] = {}
    for hit in hits:
        chain = hit["_source"].get("chain", {})
        partition, seq = chain.get("partition"), chain.get("seq")
        if partition is None or seq is None:
            continue
        low, high = ranges.get(partition, (seq, seq))
        ranges[partition] = (min(low, seq), max(high, seq))
    return ranges


def _check_chain(
    partition: int, low: int, high: int, records: list[dict[str, Any]], report: VerifyReport
) -> None:
    by_seq = {r["chain"]["seq"]: r for r in records}
    previous: dict[str, Any] | None = None
    for seq in range(low, high + 1):
        record = by_seq.get(seq)
        if record is None:
            report.deleted.append(f"{partition}:{seq}")
            previous = None
            continue
        if record_hash(record) != record["chain"]["hash"]:
            report.altered.append(str(record.get("request_id")))
        elif previous is not None and record["chain"]["prev_hash"] != previous["chain"]["hash"]:
            report.broken_links.append(str(record.get("request_id")))
        previous = record


async def _search_all(es: AsyncElasticsearch, alias: str, query: dict[str, Any]) -> list[dict[str, Any]]:
    """Every hit of ``query``, paged with ``search_after`` in chain order."""
    hits: list[dict[str, Any]] = []
    after: list[Any] | None = None
    while True:
        page = await es.search(
            index=alias,
            query=query,
            size=PAGE,
            sort=[{"chain.partition": "asc"}, {"chain.seq": "asc"}, {"request_id": "asc"}],
            search_after=after,
            ignore_unavailable=True,
        )
        batch = page["hits"]["hits"]
        hits.extend(batch)
        if len(batch) < PAGE:
            return hits
        after = batch[-1]["sort"]
