"""The audit record of one request, as ``trace`` reports it.

Reads Elasticsearch directly by document id (audit uses the request id as ``_id``)
through the audit alias, so it needs no import of the audit service. A search rather
than a GET: the alias spans daily indices and a GET by id needs one concrete index.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from elasticsearch import AsyncElasticsearch, NotFoundError, TransportError
from elasticsearch import ConnectionError as EsConnectionError


@dataclass(frozen=True)
class AuditState:
    """What the audit trail holds for a request.

    Attributes:
        status: ``complete`` or ``incomplete`` (the record's own status), ``missing``
            (no record), ``duplicated`` (more than one: a bug to report) or
            ``unavailable`` (Elasticsearch could not be asked).
        missing_stages: Stages an incomplete record never saw.
        chain_partition: Hash-chain partition of the record.
        chain_seq: Its position in that chain.
        index: Concrete index holding the record.
        detail: Why the state is ``unavailable``.
    """

    status: str
    missing_stages: list[str] = field(default_factory=list)
    chain_partition: int | None = None
    chain_seq: int | None = None
    index: str | None = None
    detail: str | None = None

    def describe(self) -> str:
        """One line, e.g. ``complete (chain partition 2, seq 17) in llmops-audit-2026.11.22``."""
        if self.status in ("missing", "unavailable"):
            return f"{self.status}" + (f": {self.detail}" if self.detail else "")
        text = self.status
        if self.missing_stages:
            text += f" (never saw: {', '.join(self.missing_stages)})"
        if self.chain_seq is not None:
            text += f" (chain partition {self.chain_partition}, seq {self.chain_seq})"
        return text + (f" in {self.index}" if self.index else "")


async def audit_state(es_url: str, index: str, request_id: str) -> AuditState:
    """Look up the audit record of ``request_id``; never raises for an unreachable server."""
    es = AsyncElasticsearch(es_url, request_timeout=10, max_retries=0)
    try:
        result = await es.search(
            index=index,
            query={"ids": {"values": [request_id]}},
            size=2,
            source_includes=["status", "missing", "chain"],
        )
    except NotFoundError:
        return AuditState("missing", detail=f"no index or alias {index!r}")
    except (EsConnectionError, TransportError) as exc:
        return AuditState("unavailable", detail=f"Elasticsearch at {es_url}: {exc}")
    finally:
        await es.close()
    return state_from_hits(result["hits"]["hits"])


def state_from_hits(hits: list[dict[str, Any]]) -> AuditState:
    """The state that a search's hits describe."""
    if not hits:
        return AuditState("missing")
    if len(hits) > 1:
        return AuditState("duplicated", index=", ".join(h["_index"] for h in hits))
    source, chain = hits[0]["_source"], hits[0]["_source"].get("chain") or {}
    return AuditState(
        status=str(source.get("status", "unknown")),
        missing_stages=list(source.get("missing") or []),
        chain_partition=chain.get("partition"),
        chain_seq=chain.get("seq"),
        index=hits[0]["_index"],
    )
