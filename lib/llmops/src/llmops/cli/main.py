"""Entry point of the ``llmops`` command: the local stack and operator tools."""

from __future__ import annotations

import typer

from llmops.cli import demo_commands, stack_commands

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Operate the LLMOps platform.")
app.command()(stack_commands.up)
app.command()(stack_commands.down)
app.command()(stack_commands.status)
app.command()(demo_commands.demo)
app.command()(demo_commands.token)

try:  # the guardrails commands live in their service package (absent from a bare llmops install)
    from guardrails.cli import app as guardrails_app
except ImportError:  # pragma: no cover - depends on what is installed
    pass
else:
    app.add_typer(guardrails_app, name="guardrails")

if __name__ == "__main__":
    app()
