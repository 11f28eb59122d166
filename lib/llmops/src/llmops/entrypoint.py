"""The ``python -m <service>`` entry point shared by the streaming services."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Protocol, TypeVar

from llmops.errors import ConfigurationError, DependencyUnavailable
from llmops.jsonlog import configure_logging
from llmops.settings import ServiceSettings, load_settings

S = TypeVar("S", bound=ServiceSettings)


class Runnable(Protocol):
    """Something with a blocking ``run()`` (a :class:`~llmops.streaming_service.StreamingService`)."""

    def run(self) -> None:
        """Run until stopped."""


def run_service(name: str, settings_cls: type[S], build: Callable[[S], Runnable]) -> None:
    """Read settings once, fail fast on a configuration error, configure logs, run.

    A configuration error, or a server that cannot be reached at start-up, exits with
    status 1 and one line naming what to fix, instead of a traceback far from the cause.
    """
    try:
        settings = load_settings(settings_cls)
        configure_logging(name, settings.log_level)
        service = build(settings)
    except ConfigurationError as exc:
        sys.exit(f"{name}: {exc}")
    try:
        service.run()
    except DependencyUnavailable as exc:
        sys.exit(f"{name}: cannot start: {exc}")
