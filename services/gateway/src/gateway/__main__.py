"""``python -m gateway``: serve the gateway with uvicorn (uvloop, httptools)."""

from __future__ import annotations

import sys

import uvicorn

from gateway.app import create_app
from gateway.settings import GatewaySettings
from llmops.errors import ConfigurationError
from llmops.jsonlog import configure_logging
from llmops.settings import load_settings


def main() -> None:
    """Read settings once, fail fast on configuration errors, serve."""
    try:
        settings = load_settings(GatewaySettings)
    except ConfigurationError as exc:
        sys.exit(f"gateway: {exc}")
    configure_logging("gateway", settings.log_level)
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
