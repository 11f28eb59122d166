"""Command line: ``python -m tgi_simulator [--option value ...]``.

Each :class:`SimulatorConfig` field ``some_name`` is the option ``--some-name`` and the
environment variable ``TGI_SIM_SOME_NAME``; the command line wins over the environment,
which wins over the built-in default. Help texts come from the field docs.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import os
import re
import sys
from collections.abc import Mapping, Sequence

from tgi_simulator.config import SimulatorConfig
from tgi_simulator.server import serve

ENV_PREFIX = "TGI_SIM_"


def env_name(field_name: str) -> str:
    """The environment variable of a config field."""
    return ENV_PREFIX + field_name.upper()


def build_parser(environ: Mapping[str, str]) -> argparse.ArgumentParser:
    """One option per config field, defaulting to its environment variable if set."""
    parser = argparse.ArgumentParser(
        prog="python -m tgi_simulator",
        description="Simulated HuggingFace Text Generation Inference server (no GPU needed).",
    )
    docs = _field_docs()
    for field in dataclasses.fields(SimulatorConfig):
        variable = env_name(field.name)
        parser.add_argument(
            "--" + field.name.replace("_", "-"),
            dest=field.name,
            type=type(field.default),
            default=environ.get(variable, field.default),
            help=f"{docs.get(field.name, '').replace('%', '%%')} [env {variable}, default %(default)s]",
        )
    return parser


def parse_config(
    argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None
) -> SimulatorConfig:
    """Build the config from arguments and environment (exits with usage on bad values)."""
    parser = build_parser(os.environ if environ is None else environ)
    args = parser.parse_args(argv)
    try:
        return SimulatorConfig(**vars(args))
    except ValueError as exc:
        parser.error(str(exc))


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: parse options, log JSON lines to stdout, serve until stopped."""
    config = parse_config(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    asyncio.run(serve(config))


def _field_docs() -> dict[str, str]:
    """``name: text`` pairs from the ``Attributes:`` section of the config docstring."""
    return dict(re.findall(r"^\s+(\w+): (.+)$", SimulatorConfig.__doc__ or "", flags=re.MULTILINE))
