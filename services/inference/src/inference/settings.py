"""Settings of the inference service (env prefix ``INFERENCE_``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from llmops.settings import ServiceSettings


class InferenceSettings(ServiceSettings):
    """Inference settings.

    Attributes:
        tgi_url: Base URL of the primary model server (TGI or OpenAI-compatible).
        fallback_url: Base URL of the small fallback model server, if any.
        backend: API kind of the primary server: ``tgi`` or ``openai``.
        model_alias: Alias callers use for the primary model.
        model_version: Catalog version of the primary model.
        model_id: Upstream model id reported in lineage.
        model_revision: Upstream revision reported in lineage.
        max_in_flight: Model calls in flight per worker; bounds memory and keeps the
            consumer loop free (calls never block it).
        request_timeout_s: Budget of one model call.
    """

    model_config = SettingsConfigDict(env_prefix="INFERENCE_", extra="ignore", frozen=True)
    service_name: ClassVar[str] = "inference"

    http_port: int = 8081
    tgi_url: str
    fallback_url: str | None = None
    backend: str = "tgi"
    model_alias: str = "llama-3.1-8b"
    model_version: str = "1"
    model_id: str = "meta-llama/Llama-3.1-8B-Instruct"
    model_revision: str = "main"
    max_in_flight: int = 64
    request_timeout_s: float = 60.0
