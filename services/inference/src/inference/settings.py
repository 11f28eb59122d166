"""Settings of the inference service (env prefix ``INFERENCE_``)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from inference.catalog_file import DEFAULT_CATALOG
from llmops.settings import ServiceSettings


class InferenceSettings(ServiceSettings):
    """Inference settings.

    Attributes:
        tgi_url: Base URL of the primary model server; the catalog's ``${TGI_URL}``.
        fallback_url: Base URL of the small fallback model server; the catalog's ``${FALLBACK_URL}``.
        catalog_path: The model catalog (YAML); the one shipped with the service by default.
        max_in_flight: Requests this worker works on at once (faust agent concurrency).
            Keep it above the sum of the catalog's per-endpoint ``max_in_flight``, so a
            hung endpoint can hold at most its own slots and never every actor.
        request_timeout_s: Budget of one model call (a request's deadline may leave less).
        default_deadline_s: Deadline of requests that carry none, from their creation.
        retry_attempts: Model calls per request at most, the first included.
        retry_initial_s: Upper bound of the first backoff delay (full jitter).
        retry_max_s: Cap on any backoff delay.
        breaker_window: Calls the breaker remembers per endpoint.
        breaker_min_calls: Calls needed before the breaker may open.
        breaker_error_rate: Failure share that opens the breaker.
        breaker_timeout_rate: Timeout share that opens the breaker.
        breaker_open_s: How long an open breaker refuses calls before probing.
        breaker_half_open_probes: Successful probes needed to close it again.
        fallback_in_flight_share: Share of an endpoint's slots from which requests go to the fallback.
        fallback_queue_threshold: Server queue length (``tgi_queue_size``) above which they do.
        load_probe_interval_s: How often the servers' ``/metrics`` are read.
        http_transport: HTTP stack under ``AsyncInferenceClient``: ``aiohttp`` (about a
            fifth of the CPU per call at high concurrency, see ``inference.aiohttp_transport``)
            or ``httpx`` (``huggingface_hub``'s default).
    """

    model_config = SettingsConfigDict(env_prefix="INFERENCE_", extra="ignore", frozen=True)
    service_name: ClassVar[str] = "inference"

    http_port: int = 8081
    tgi_url: str
    fallback_url: str | None = None
    catalog_path: Path = DEFAULT_CATALOG
    max_in_flight: int = Field(default=256, ge=1)
    request_timeout_s: float = Field(default=60.0, gt=0)
    default_deadline_s: float = Field(default=120.0, gt=0)
    retry_attempts: int = Field(default=4, ge=1)
    retry_initial_s: float = Field(default=0.1, ge=0)
    retry_max_s: float = Field(default=2.0, ge=0)
    breaker_window: int = Field(default=20, ge=1)
    breaker_min_calls: int = Field(default=10, ge=1)
    breaker_error_rate: float = Field(default=0.5, gt=0, le=1)
    breaker_timeout_rate: float = Field(default=0.3, gt=0, le=1)
    breaker_open_s: float = Field(default=10.0, gt=0)
    breaker_half_open_probes: int = Field(default=3, ge=1)
    fallback_in_flight_share: float = Field(default=0.9, gt=0, le=1)
    fallback_queue_threshold: float = Field(default=64.0, ge=0)
    load_probe_interval_s: float = Field(default=1.0, gt=0)
    http_transport: Literal["aiohttp", "httpx"] = "aiohttp"
