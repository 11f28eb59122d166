"""Settings of the guardrails service (env prefix ``GUARDRAILS_``)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from llmops.settings import ServiceSettings


class GuardrailsSettings(ServiceSettings):
    """Guardrails settings.

    Attributes:
        policy_file: The per-tenant policy (YAML); the packaged default policy when unset.
            Its ``version`` is recorded on every response. A bad file stops start-up.
        concurrency: Concurrent actors per worker in per-event mode (``batch_max_events``
            0), overlapping produce round trips. Batch mode runs one actor.
        batch_max_events: Largest batch of completions guarded before their responses'
            acks are awaited together (one round trip per batch, not per response), by the
            lean pipelined consumer (:mod:`llmops.batch_consumer`); 0 runs a faust agent
            that processes events one by one, each awaiting its own ack.
        batches_in_flight: Batches whose acks may be awaited while the next is guarded
            (batch mode): CPU work overlaps produce round trips. It bounds what a crash
            redelivers (at most this many batches, besides the commit interval).
        batch_within_ms: Unused since batch mode fetches whatever is ready (``getmany``
            returns at once when records are there, so a batch adds no wait); kept so
            existing deployments' settings stay valid.
        producer_linger_ms: How long the producer may wait to batch responses. 0 (the default)
            sends each at once for the lowest latency; 1-5 ms batches under load and raises
            throughput at that cost in latency.
    """

    model_config = SettingsConfigDict(env_prefix="GUARDRAILS_", extra="ignore", frozen=True)
    service_name: ClassVar[str] = "guardrails"

    http_port: int = 8082
    policy_file: Path | None = None
    concurrency: int = Field(default=16, ge=1, le=256)
    batch_max_events: int = Field(default=500, ge=0, le=10_000)
    batches_in_flight: int = Field(default=3, ge=1, le=64)
    batch_within_ms: float = Field(default=2.0, gt=0.0, le=1000.0)
    producer_linger_ms: float = Field(default=0.0, ge=0.0, le=100.0)
