"""Settings of the audit service (env prefix ``AUDIT_``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from llmops.settings import ServiceSettings


class AuditSettings(ServiceSettings):
    """Audit settings.

    Attributes:
        elasticsearch_url: Elasticsearch base URL.
        index: Index (or alias) the audit records are written to.
        concurrency: Events written concurrently per worker.
    """

    model_config = SettingsConfigDict(env_prefix="AUDIT_", extra="ignore", frozen=True)
    service_name: ClassVar[str] = "audit"

    http_port: int = 8084
    elasticsearch_url: str
    index: str = "llmops-audit"
    concurrency: int = 8
