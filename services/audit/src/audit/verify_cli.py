"""The body of ``llmops audit verify`` (the command itself is declared in ``llmops.cli.main``)."""

from __future__ import annotations

import asyncio

import orjson
from elasticsearch import AsyncElasticsearch

from audit.verify import VerifyReport, verify
from llmops.clock import now_ms
from llmops.codec import AvroCodec
from llmops.ops.ages import parse_age_ms, since_to_epoch_ms
from llmops.schema_store import SchemaStore


def run_verify(since: str, settle: str, es_url: str, kafka_bootstrap: str, index: str, as_json: bool) -> int:
    """Verify the requests created from ``since`` until ``settle`` ago; print; 0 when all is well.

    ``since`` is an age (``1h``, ``1h30m``) or an ISO-8601 instant, as for every ``--since``
    of the CLI; ``settle`` is an age.
    """
    now = now_ms()
    since_ms, until_ms = since_to_epoch_ms(since, now), now - parse_age_ms(settle)
    report = asyncio.run(_verify(es_url, kafka_bootstrap, index, since_ms, until_ms))
    print(orjson.dumps(report.__dict__ | {"ok": report.ok}).decode() if as_json else render(report))
    return 0 if report.ok else 1


async def _verify(es_url: str, bootstrap: str, index: str, since_ms: int, until_ms: int) -> VerifyReport:
    es = AsyncElasticsearch(es_url, request_timeout=60)
    try:
        return await verify(es, index, bootstrap, since_ms, until_ms, AvroCodec(SchemaStore.load()))
    finally:
        await es.close()


def render(report: VerifyReport, limit: int = 20) -> str:
    """A human summary naming at most ``limit`` ids per problem."""
    complete = not (report.missing or report.duplicated)
    intact = not (report.altered or report.broken_links or report.deleted)
    lines = [
        f"requests in range   {report.requests}",
        f"records in range    {report.records}",
        f"completeness        {'OK' if complete else 'FAILED'}",
        f"integrity           {'OK' if intact else 'FAILED'}",
    ]
    problems = {
        "missing records (request ids)": report.missing,
        "duplicated records (request ids)": report.duplicated,
        "altered records (request ids)": report.altered,
        "records after a changed or removed record (request ids)": report.broken_links,
        "deleted records (partition:seq)": report.deleted,
    }
    for title, items in problems.items():
        if items:
            more = f" (+{len(items) - limit} more)" if len(items) > limit else ""
            lines.append(f"{title}: {', '.join(items[:limit])}{more}")
    return "\n".join(lines)
