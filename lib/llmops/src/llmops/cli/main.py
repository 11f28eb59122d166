"""Entry point of the ``llmops`` command: the local stack and operator tools."""

from __future__ import annotations

import importlib.util

import typer

from llmops.cli import demo_commands, stack_commands

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Operate the LLMOps platform.")
app.command()(stack_commands.up)
app.command()(stack_commands.down)
app.command()(stack_commands.status)
app.command()(demo_commands.demo)
app.command()(demo_commands.token)

if importlib.util.find_spec("drift") is not None:  # the drift service's commands, when installed
    from drift.cli import app as drift_app

    app.add_typer(drift_app, name="drift")

if __name__ == "__main__":
    app()
