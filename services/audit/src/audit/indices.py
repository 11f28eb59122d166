"""Where audit records live in Elasticsearch: daily indices behind one alias, retention enforced.

Each record goes to ``<alias>-YYYY.MM.DD`` of its request's ``created_at`` (UTC), so a
replayed record always lands in the index that already holds it and overwrites itself
(document id = request id): replays never duplicate. An index template gives every
daily index the explicit mapping and the read alias.

Retention (six months by default) is enforced by an ILM delete phase where the server
has ILM; otherwise the service deletes daily indices older than the retention itself.
Data streams are detected but deliberately not used: a data stream accepts a document
id only with ``op_type=create`` against its current write index, so after a rollover a
replayed record would be indexed a second time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from elasticsearch import ApiError, AsyncElasticsearch, TransportError

from audit.mapping import AUDIT_MAPPINGS

log = logging.getLogger(__name__)

DAY_FORMAT = "%Y.%m.%d"


@dataclass(frozen=True)
class Capabilities:
    """What the Elasticsearch server supports, probed at start-up."""

    ilm: bool
    data_streams: bool

    @property
    def retention_mode(self) -> str:
        """``ilm`` when the server deletes old indices itself, else ``service``."""
        return "ilm" if self.ilm else "service"


async def detect_capabilities(client: AsyncElasticsearch) -> Capabilities:
    """Probe ILM (``GET _ilm/status``) and data streams (``GET _data_stream``)."""
    return Capabilities(
        ilm=await _answers(client, "/_ilm/status"), data_streams=await _answers(client, "/_data_stream")
    )


async def _answers(client: AsyncElasticsearch, path: str) -> bool:
    try:
        await client.perform_request("GET", path, headers={"accept": "application/json"})
    except (ApiError, TransportError):
        return False
    return True


@dataclass(frozen=True)
class AuditIndices:
    """The naming and lifecycle of the audit indices.

    Attributes:
        alias: Read alias over all daily indices (what Kibana and analysts query).
        retention_days: Days a daily index is kept after its day ended.
    """

    alias: str = "llmops-audit"
    retention_days: int = 183

    @property
    def pattern(self) -> str:
        """Pattern matching every daily index."""
        return f"{self.alias}-*"

    def index_for(self, created_at_ms: int) -> str:
        """The daily index of a record whose request was created at ``created_at_ms``."""
        day = datetime.fromtimestamp(created_at_ms / 1000, tz=UTC).strftime(DAY_FORMAT)
        return f"{self.alias}-{day}"

    def expired(self, index_names: list[str], now: datetime) -> list[str]:
        """The daily indices whose day is older than the retention, oldest first."""
        cutoff = (now - timedelta(days=self.retention_days)).date()
        old = []
        for name in index_names:
            try:
                day = datetime.strptime(name.removeprefix(f"{self.alias}-"), DAY_FORMAT).date()
            except ValueError:
                continue  # not one of ours
            if day < cutoff:
                old.append(name)
        return sorted(old)

    def template(self, capabilities: Capabilities) -> dict[str, Any]:
        """Body of the index template (mapping, alias, lifecycle policy where ILM exists)."""
        settings: dict[str, object] = {"number_of_shards": 1}
        if capabilities.ilm:
            settings["index.lifecycle.name"] = self.policy_name
        return {
            "index_patterns": [self.pattern],
            "template": {"settings": settings, "mappings": AUDIT_MAPPINGS, "aliases": {self.alias: {}}},
            "priority": 200,
        }

    @property
    def policy_name(self) -> str:
        """Name of the ILM policy (and of the template)."""
        return f"{self.alias}-retention"

    def policy(self) -> dict[str, object]:
        """ILM policy: delete each daily index ``retention_days`` after it was created."""
        return {"phases": {"delete": {"min_age": f"{self.retention_days}d", "actions": {"delete": {}}}}}
