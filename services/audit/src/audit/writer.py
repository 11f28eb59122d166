"""Write audit records to Elasticsearch, idempotently (document id = request id)."""

from __future__ import annotations

from typing import Any

from elasticsearch import ApiError, AsyncElasticsearch, ConnectionError, TransportError

from llmops.errors import RetriableError


class AuditWriter:
    """Index audit records; a replayed event overwrites its own document, never duplicates.

    Args:
        url: Elasticsearch base URL.
        index: Target index or alias.
    """

    def __init__(self, url: str, index: str) -> None:
        self.index = index
        self.client = AsyncElasticsearch(url, request_timeout=10)
        self._index_ready = False

    async def write(self, request_id: str, document: dict[str, Any]) -> None:
        """Index one record and return once Elasticsearch acknowledged it.

        Raises:
            RetriableError: When Elasticsearch is unreachable or answers 429/5xx, so the
                event is retried and its offset is not committed.
        """
        try:
            if not self._index_ready:
                await self._ensure_index()
            await self.client.index(index=self.index, id=request_id, document=document)
        except (ConnectionError, TransportError) as exc:
            raise RetriableError(f"elasticsearch unavailable: {exc}") from exc
        except ApiError as exc:
            if exc.meta.status == 429 or exc.meta.status >= 500:
                raise RetriableError(f"elasticsearch answered {exc.meta.status}") from exc
            raise

    async def _ensure_index(self) -> None:
        if not await self.client.indices.exists(index=self.index):
            await self.client.indices.create(
                index=self.index,
                mappings={
                    "properties": {
                        "@timestamp": {"type": "date", "format": "epoch_millis"},
                        "request_id": {"type": "keyword"},
                        "tenant": {"type": "keyword"},
                    }
                },
            )
        self._index_ready = True

    async def ping(self) -> bool:
        """True when Elasticsearch answers."""
        return bool(await self.client.ping())
