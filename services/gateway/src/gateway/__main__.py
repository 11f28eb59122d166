"""``python -m gateway``: serve the gateway with uvicorn (uvloop, httptools)."""

from __future__ import annotations

import asyncio
import sys

import uvicorn

from gateway.app import create_app
from gateway.settings import GatewaySettings
from llmops import preflight
from llmops.errors import ConfigurationError, DependencyUnavailable
from llmops.jsonlog import configure_logging
from llmops.settings import load_settings


def main() -> None:
    """Read settings once, fail fast on configuration errors, serve."""
    try:
        settings = load_settings(GatewaySettings)
    except ConfigurationError as exc:
        sys.exit(f"gateway: {exc}")
    configure_logging("gateway", settings.log_level)
    try:
        asyncio.run(
            preflight.run_checks(
                [preflight.kafka(settings.kafka_bootstrap), preflight.redis(settings.redis_url)]
            )
        )
    except DependencyUnavailable as exc:
        sys.exit(f"gateway: cannot start: {exc}")
    uvicorn.run(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_config=None,
        lifespan="on",
    )


if __name__ == "__main__":
    main()
