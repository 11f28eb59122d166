"""``llmops up``, ``down`` and ``status``."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from typing import Annotated

import typer

from llmops.errors import LlmopsError
from llmops.jsonlog import configure_logging
from llmops.localstack.components import StackConfig
from llmops.localstack.ports import StackPorts
from llmops.localstack.stack import LocalStack

RunDir = Annotated[
    Path,
    typer.Option("--run-dir", envvar="LLMOPS_RUN_DIR", help="Holds logs, PIDs and data of the stack."),
]


def stack_config(run_dir: Path) -> StackConfig:
    """The stack's configuration: the run directory and ports (``LLMOPS_PORT_<PART>`` overrides)."""
    try:
        ports = StackPorts.from_env(os.environ)
    except LlmopsError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from exc
    return StackConfig(run_dir=run_dir.resolve(), ports=ports)


def up(
    run_dir: RunDir = Path(".llmops"),
    foreground: Annotated[bool, typer.Option(help="Stay attached; Ctrl-C stops the stack.")] = False,
) -> None:
    """Start the embedded stack (noida-db, Redis, TGI simulators, the five services, Prometheus)."""
    configure_logging("llmops", os.environ.get("LLMOPS_LOG_LEVEL", "WARNING"))
    stack = LocalStack(stack_config(run_dir))
    try:
        stack.up()
    except LlmopsError as exc:
        typer.secho(f"llmops up failed: {exc}", fg="red", err=True)
        raise typer.Exit(1) from exc
    print_status(stack)
    if not foreground:
        typer.echo(f"stack running in the background; logs in {run_dir}/logs; stop it with `llmops down`")
        return
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    typer.echo("press Ctrl-C to stop")
    stop.wait()
    stopped = stack.down()
    typer.echo(f"stopped {len(stopped)} processes")


def down(run_dir: RunDir = Path(".llmops")) -> None:
    """Stop exactly the processes that `llmops up` started in this run directory."""
    stopped = LocalStack(stack_config(run_dir)).down()
    typer.echo(f"stopped: {', '.join(stopped)}" if stopped else "nothing was running")


def status(run_dir: RunDir = Path(".llmops")) -> None:
    """Print one line per part: name, state, PID and URL."""
    stack = LocalStack(stack_config(run_dir))
    if not stack.state.read():
        typer.echo("the stack is not running (no processes recorded)")
        raise typer.Exit(3)
    print_status(stack)


def print_status(stack: LocalStack) -> None:
    """Print the status table."""
    for part in stack.status():
        typer.echo(f"{part.name:<14} {part.state:<8} {part.pid or '-':>7}  {part.url}")
