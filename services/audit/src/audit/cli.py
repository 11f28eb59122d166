"""``llmops audit``: audit trail tools for compliance officers and operators."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True, help="Audit trail tools.")


@app.command("verify")
def verify(
    since: Annotated[str, typer.Option(help="Start of the range, as an age: 90s, 15m, 1h, 7d.")] = "1h",
    settle: Annotated[str, typer.Option(help="End of the range, as an age (leave time to join).")] = "3m",
    es_url: Annotated[str, typer.Option(envvar="AUDIT_ELASTICSEARCH_URL")] = "http://127.0.0.1:19200",
    kafka_bootstrap: Annotated[str, typer.Option(envvar="AUDIT_KAFKA_BOOTSTRAP")] = "127.0.0.1:19092",
    index: Annotated[str, typer.Option(envvar="AUDIT_INDEX", help="Audit alias.")] = "llmops-audit",
    json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Recompute the audit hash chains and check every request of the range has one record."""
    from audit.verify_cli import run_verify  # Elasticsearch and Kafka clients load only for this command

    raise typer.Exit(run_verify(since, settle, es_url, kafka_bootstrap, index, json))
