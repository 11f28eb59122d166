"""Build the service's objects from settings: catalog, endpoints, router, generator."""

from __future__ import annotations

from inference.aiohttp_transport import select_transport
from inference.breaker import BreakerPolicy
from inference.catalog_file import FileCatalog, load_catalog
from inference.endpoint import Endpoint
from inference.generate import Generator, GeneratorPolicy
from inference.retry import RetryPolicy
from inference.routing import FallbackPolicy, Router
from inference.settings import InferenceSettings
from llmops.backoff import Backoff


def catalog_of(settings: InferenceSettings) -> FileCatalog:
    """The catalog, with ``${TGI_URL}`` and ``${FALLBACK_URL}`` filled in from settings."""
    return load_catalog(
        settings.catalog_path, {"TGI_URL": settings.tgi_url, "FALLBACK_URL": settings.fallback_url}
    )


def breaker_policy(settings: InferenceSettings) -> BreakerPolicy:
    """The breaker thresholds of every endpoint."""
    return BreakerPolicy(
        window=settings.breaker_window,
        min_calls=settings.breaker_min_calls,
        error_rate_threshold=settings.breaker_error_rate,
        timeout_rate_threshold=settings.breaker_timeout_rate,
        open_s=settings.breaker_open_s,
        half_open_probes=settings.breaker_half_open_probes,
    )


def endpoints_of(catalog: FileCatalog, settings: InferenceSettings) -> dict[str, Endpoint]:
    """One endpoint per server URL (its slots: the largest ``max_in_flight`` of its versions)."""
    slots: dict[str, int] = {}
    for version in catalog.versions():
        slots[version.endpoint] = max(slots.get(version.endpoint, 0), version.max_in_flight)
    policy = breaker_policy(settings)
    return {url: Endpoint(url, settings.request_timeout_s, n, policy) for url, n in slots.items()}


def generator_of(settings: InferenceSettings) -> Generator:
    """The generator of the service, from its settings and catalog.

    It sets ``huggingface_hub``'s process-wide async client factory to
    ``settings.http_transport`` for every ``AsyncInferenceClient`` session opened later.
    """
    select_transport(settings.http_transport)
    catalog = catalog_of(settings)
    fallback = FallbackPolicy(settings.fallback_in_flight_share, settings.fallback_queue_threshold)
    router = Router(catalog, endpoints_of(catalog, settings), fallback)
    retry = RetryPolicy(
        max_attempts=settings.retry_attempts,
        backoff=Backoff(initial_s=settings.retry_initial_s, maximum_s=settings.retry_max_s),
        attempt_timeout_s=settings.request_timeout_s,
    )
    return Generator(router, GeneratorPolicy(retry, settings.default_deadline_s))
