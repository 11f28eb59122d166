"""Entry point of the ``llmops`` command: the local stack and operator tools.

Service-specific commands (``llmops guardrails``, ``audit``, ``drift``) live in their
service packages and are added when the package is installed, so a bare ``llmops``
install still works.
"""

from __future__ import annotations

import importlib
import importlib.util

import typer

from llmops.cli import deadletter_commands, demo_commands, ops_commands, stack_commands

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Operate the LLMOps platform.")
app.command()(stack_commands.up)
app.command()(stack_commands.down)
app.command()(stack_commands.status)
app.command()(demo_commands.demo)
app.command()(demo_commands.token)
app.command()(ops_commands.tail)
app.command()(ops_commands.trace)
app.add_typer(deadletter_commands.app, name="deadletter")

SERVICE_COMMANDS = ("guardrails", "audit", "drift")
"""Services whose ``<service>.cli`` module provides a typer app named ``app``."""

for _service in SERVICE_COMMANDS:
    if importlib.util.find_spec(_service) is not None:
        app.add_typer(importlib.import_module(f"{_service}.cli").app, name=_service)

if __name__ == "__main__":
    app()
