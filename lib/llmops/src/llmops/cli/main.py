"""Entry point of the ``llmops`` command: the local stack and operator tools."""

from __future__ import annotations

from typing import Annotated

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

audit_app = typer.Typer(no_args_is_help=True, help="Audit trail tools (implemented in the audit service).")
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(
    since: Annotated[str, typer.Option(help="Start of the range, as an age: 90s, 15m, 1h, 7d.")] = "1h",
    settle: Annotated[str, typer.Option(help="End of the range, as an age (leave time to join).")] = "3m",
    es_url: Annotated[str, typer.Option(envvar="AUDIT_ELASTICSEARCH_URL")] = "http://127.0.0.1:19200",
    kafka_bootstrap: Annotated[str, typer.Option(envvar="AUDIT_KAFKA_BOOTSTRAP")] = "127.0.0.1:19092",
    index: Annotated[str, typer.Option(envvar="AUDIT_INDEX", help="Audit alias.")] = "llmops-audit",
    json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Recompute the audit hash chains and check every request of the range has one record."""
    from audit.verify_cli import run_verify  # the audit package is imported only for this command

    raise typer.Exit(run_verify(since, settle, es_url, kafka_bootstrap, index, json))


if __name__ == "__main__":
    app()
