"""Settings of the audit service (env prefix ``AUDIT_``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from llmops.settings import ServiceSettings


class AuditSettings(ServiceSettings):
    """Audit settings.

    Attributes:
        elasticsearch_url: Elasticsearch base URL.
        index: Read alias of the audit records; daily indices are ``<index>-YYYY.MM.DD``.
        retention_days: Days audit records are kept (the EU AI Act asks for at least six months).
        retention_check_interval_s: How often expired daily indices are deleted (servers without ILM).
        join_timeout_s: How long to wait for the missing stages of an inference before an
            ``incomplete`` record is written.
        join_check_interval_s: How often expired joins are looked for.
        done_retention_s: How long a written record's marker is kept to absorb late or replayed events.
        bulk_max_docs: Largest ``_bulk`` request.
        bulk_flush_interval_s: Longest wait of a record before its batch is sent.
        bulk_concurrent_requests: ``_bulk`` requests in flight at once.
        max_in_flight: Records awaiting their Elasticsearch ack before reading pauses.
        changelog_linger_s: How long a join-table changelog write waits to share a produce
            request with others (throughput; audit is not on the caller's latency path).
            It delays each record by as much, and each dead letter too (they are sent one
            at a time): 50 ms cut the worker's CPU per record by about a fifth against 5 ms.
        changelog_batch_bytes: Largest changelog produce batch per partition.
        changelog_flush_interval_s: How long open join states wait in memory before their
            changelog write (their events are acknowledged after it): an inference whose
            stages all arrive within it writes no open state at all.
        max_poll_records: Most source events handed over by one consumer poll. Large, so
            that a catch-up's poll spans all three topics, which faust hands over in turn
            (round-robin over partitions): requests, completions and responses of the same
            inferences arrive close together, a response seals its record soon after its
            request was read, and most joins never write an open state to the changelog.
            With 2,000, a backlog was read one topic's partitions at a time (2.9 changelog
            writes per inference instead of 1.1) and a 3,000-inference catch-up ran at
            810-1,060 records/s; with 10,000 at 1,190 (both processes' CPU per record
            1.2-1.4 ms instead of 1.5-2.0: measured).
        fetch_max_bytes: Most bytes fetched per source partition and request.
        empty_fetch_pause_ms: As for every service (:mod:`llmops.fetch_pause`), but longer:
            audit is off the callers' path, and while a fetched backlog is processed the
            consumer thread keeps sending empty fetches; the local broker's cost of one grows
            with the size of the log (0.3 ms at 9,000 events, 2.6 ms at 63,000: measured).
        kafka_session_timeout_s: Consumer session timeout: how soon a crashed worker's
            partitions move to another worker (faust's default, 60 s, stalls the audit trail
            that long after a crash).
        user_hash_key: HMAC key of user ids (hashed users cannot be brute-forced without it).
    """

    model_config = SettingsConfigDict(env_prefix="AUDIT_", extra="ignore", frozen=True)
    service_name: ClassVar[str] = "audit"

    http_port: int = 8084
    elasticsearch_url: str
    index: str = "llmops-audit"
    retention_days: int = Field(default=183, ge=1)
    retention_check_interval_s: float = Field(default=3600.0, gt=0)
    join_timeout_s: float = Field(default=120.0, gt=0)
    join_check_interval_s: float = Field(default=5.0, gt=0)
    done_retention_s: float = Field(default=900.0, ge=0)
    bulk_max_docs: int = Field(default=1000, ge=1)
    bulk_flush_interval_s: float = Field(default=0.2, gt=0)
    bulk_concurrent_requests: int = Field(default=2, ge=1)
    max_in_flight: int = Field(default=5000, ge=1)
    changelog_linger_s: float = Field(default=0.05, ge=0)
    changelog_batch_bytes: int = Field(default=512 * 1024, ge=1)
    changelog_flush_interval_s: float = Field(default=0.1, gt=0)
    max_poll_records: int = Field(default=10_000, ge=1)
    fetch_max_bytes: int = Field(default=8 * 1024 * 1024, ge=1024)
    empty_fetch_pause_ms: float = Field(default=20.0, ge=0.0, le=100.0)
    kafka_session_timeout_s: float = Field(default=10.0, gt=0)
    user_hash_key: SecretStr = SecretStr("llmops-dev-user-hash-key")
