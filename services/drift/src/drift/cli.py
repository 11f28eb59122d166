"""``llmops drift ...``: accuracy evaluation, sanity check and baseline management.

Registered as a sub-app by ``llmops.cli.main``; this module stays light (typer only)
and imports the implementation inside each command, so ``llmops --help`` does not
load numpy or Kafka clients.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="Drift detection: evaluation, sanity, baselines."
)
baseline_app = typer.Typer(no_args_is_help=True, add_completion=False, help="Reference baselines in Redis.")
app.add_typer(baseline_app, name="baseline")

RedisUrl = Annotated[str, typer.Option(envvar="DRIFT_REDIS_URL", help="Redis holding the baselines.")]
Model = Annotated[str, typer.Option(help="Model alias.")]
Version = Annotated[str, typer.Option(help="Model version.")]
Tenant = Annotated[str | None, typer.Option(help="Tenant, when windows are per tenant.")]


@app.command("eval")
def evaluate(
    seeds: Annotated[
        str, typer.Option(help="Seed range start:stop (never the development seeds 0-99).")
    ] = "1000:1025",
    events: Annotated[int, typer.Option(help="Events per window.")] = 400,
    false_alarm_rate: Annotated[float, typer.Option(help="Family-wise false-alarm rate per window.")] = 0.05,
) -> None:
    """Detection rate, false alarms and windows-to-detect on synthetic streams (exit 1: target missed)."""
    from drift.detector import DetectionConfig
    from drift.evaluation import evaluate as run
    from drift.evaluation import format_table, targets_met

    start, _, stop = seeds.partition(":")
    config = DetectionConfig(false_alarm_rate=false_alarm_rate)
    rows = run(range(int(start), int(stop)), events, config)
    typer.echo(format_table(rows, events, config))
    raise typer.Exit(0 if targets_met(rows) else 1)


@app.command()
def sanity(
    bootstrap: Annotated[str, typer.Option(envvar="DRIFT_KAFKA_BOOTSTRAP", help="Kafka brokers.")],
    model: Annotated[str, typer.Option(envvar="DRIFT_SANITY_MODEL")] = "llama-3.1-8b",
    timeout_s: Annotated[float, typer.Option(envvar="DRIFT_SANITY_TIMEOUT_S")] = 60.0,
    objective_ms: Annotated[float, typer.Option(envvar="DRIFT_SANITY_LATENCY_OBJECTIVE_MS")] = 5000.0,
    golden: Annotated[
        Path | None, typer.Option(help="Golden prompt set (JSON); the packaged one by default.")
    ] = None,
) -> None:
    """Send the golden prompts through the pipeline now; alert on llm.drift.v1 and exit 1 if degraded."""
    from drift.sanity_cli import run_sanity_once

    degraded = asyncio.run(run_sanity_once(bootstrap, model, timeout_s, objective_ms, golden))
    raise typer.Exit(1 if degraded else 0)


@baseline_app.command("load")
def baseline_load(
    file: Path, redis_url: RedisUrl, model: Model, version: Version, tenant: Tenant = None
) -> None:
    """Store a baseline file (from ``export``) as the next baseline version."""
    from drift.baseline_cli import load

    typer.echo(asyncio.run(load(redis_url, model, version, tenant, file)))


@baseline_app.command("export")
def baseline_export(
    file: Path, redis_url: RedisUrl, model: Model, version: Version, tenant: Tenant = None
) -> None:
    """Write the current baseline to a file."""
    from drift.baseline_cli import export

    message, ok = asyncio.run(export(redis_url, model, version, tenant, file))
    typer.echo(message, file=sys.stdout if ok else sys.stderr)
    raise typer.Exit(0 if ok else 1)


@baseline_app.command("promote")
def baseline_promote(
    redis_url: RedisUrl,
    model: Model,
    version: Version,
    window_start: Annotated[
        int, typer.Option(help="Start of the kept window (epoch ms, as in llm.drift.v1).")
    ],
    tenant: Tenant = None,
) -> None:
    """Make a recent window (kept in Redis) the new baseline."""
    from drift.baseline_cli import promote

    message, ok = asyncio.run(promote(redis_url, model, version, tenant, window_start))
    typer.echo(message, file=sys.stdout if ok else sys.stderr)
    raise typer.Exit(0 if ok else 1)


@baseline_app.command("show")
def baseline_show(redis_url: RedisUrl, model: Model, version: Version, tenant: Tenant = None) -> None:
    """Print the current baseline's version, source and sizes."""
    from drift.baseline_cli import show

    message, ok = asyncio.run(show(redis_url, model, version, tenant))
    typer.echo(message, file=sys.stdout if ok else sys.stderr)
    raise typer.Exit(0 if ok else 1)
