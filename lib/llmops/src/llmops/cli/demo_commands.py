"""``llmops demo`` and ``llmops token``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from llmops.cli.stack_commands import RunDir, stack_config
from llmops.demo.run import run_demo
from llmops.demo.summary import render
from llmops.dev_tokens import mint_token
from llmops.errors import LlmopsError


def demo(
    run_dir: RunDir = Path(".llmops/demo"),
    keep_running: Annotated[bool, typer.Option(help="Leave the stack up after the demo.")] = False,
) -> None:
    """Start the stack, send ~50 multilingual requests, print a summary, stop the stack."""
    try:
        report = run_demo(stack_config(run_dir), keep_running=keep_running)
    except LlmopsError as exc:
        typer.secho(f"demo failed: {exc}", fg="red", err=True)
        raise typer.Exit(1) from exc
    typer.echo(render(report))
    if not report.ok:
        raise typer.Exit(1)


def token(
    tenant: Annotated[str, typer.Option(help="Tenant the token is bound to.")],
    scope: Annotated[list[str], typer.Option(help="Scope to grant (repeatable).")] = ["chat"],  # noqa: B006
    subject: Annotated[str, typer.Option(help="Subject (user id).")] = "dev-user",
    ttl: Annotated[int, typer.Option(help="Lifetime in seconds.")] = 3600,
    secret: Annotated[str | None, typer.Option(envvar="GATEWAY_JWT_SECRET", help="HS256 key.")] = None,
) -> None:
    """Mint a local development token (HS256) for the gateway."""
    kwargs = {"secret": secret} if secret else {}
    typer.echo(mint_token(tenant, subject=subject, scopes=tuple(scope), ttl_s=ttl, **kwargs))
