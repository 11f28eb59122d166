"""``llmops audit``: audit trail tools for compliance officers and operators."""

from __future__ import annotations

from typing import Annotated

import typer

from llmops.cli.ops_commands import EXIT_BAD_INPUT, fail
from llmops.errors import ConfigurationError

app = typer.Typer(no_args_is_help=True, help="Audit trail tools.")


@app.command("verify")
def verify(
    since: Annotated[str, typer.Option(help="Start: an age (15m, 1h30m, 7d) or an ISO-8601 instant.")] = "1h",
    settle: Annotated[str, typer.Option(help="End, as an age (leave time to join): 90s, 3m.")] = "3m",
    es_url: Annotated[str, typer.Option(envvar="AUDIT_ELASTICSEARCH_URL")] = "http://127.0.0.1:19200",
    kafka_bootstrap: Annotated[str, typer.Option(envvar="AUDIT_KAFKA_BOOTSTRAP")] = "127.0.0.1:19092",
    index: Annotated[str, typer.Option(envvar="AUDIT_INDEX", help="Audit alias.")] = "llmops-audit",
    json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Recompute the audit hash chains and check every request of the range has one record.

    Exits 0 when all is well, 1 when a record is missing, changed or duplicated, 2 on bad input.
    """
    from audit.verify_cli import run_verify  # Elasticsearch and Kafka clients load only for this command

    try:
        code = run_verify(since, settle, es_url, kafka_bootstrap, index, json)
    except ConfigurationError as exc:
        raise fail(str(exc), EXIT_BAD_INPUT) from exc
    raise typer.Exit(code)
