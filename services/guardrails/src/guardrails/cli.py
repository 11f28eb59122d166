"""``llmops guardrails``: score the chains on a labelled set, or scan one text from standard input."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from llmops.errors import ConfigurationError

if TYPE_CHECKING:
    from guardrails.policy import Policy

# The scanners compile their patterns on import: load them only when a command runs.
DEFAULT_POLICY = Path(__file__).with_name("default_policy.yaml")

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="Guardrails: evaluate and try the scanner chains."
)
PolicyOption = Annotated[Path, typer.Option("--policy", help="Policy file (YAML).")]


def _policy(path: Path) -> Policy:
    from guardrails.policy import load_policy

    try:
        return load_policy(path)
    except ConfigurationError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc


@app.command("eval")
def eval_command(
    dataset: Annotated[
        Path, typer.Option("--dataset", exists=True, dir_okay=False, help="Labelled JSONL file.")
    ],
    output: Annotated[
        Path | None, typer.Option("--output", help="Write one prediction line per case.")
    ] = None,
    policy: PolicyOption = DEFAULT_POLICY,
) -> None:
    """Print precision, recall and F1 per category and the action accuracy on DATASET."""
    from guardrails.evaluation import evaluate, format_report, read_dataset

    report, predictions = evaluate(_policy(policy), read_dataset(dataset))
    typer.echo(format_report(report))
    if output is not None:
        output.write_text(
            "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in predictions), encoding="utf-8"
        )


@app.command("scan")
def scan_command(
    stage: Annotated[
        str, typer.Option("--stage", help="input (a prompt) or output (a completion).")
    ] = "input",
    tenant: Annotated[str, typer.Option("--tenant", help="Whose rules apply.")] = "default",
    json_requested: Annotated[
        bool, typer.Option("--json-requested", help="The request asked for JSON.")
    ] = False,
    policy: PolicyOption = DEFAULT_POLICY,
) -> None:
    """Scan standard input and print the verdict as JSON (action, reason, redacted text, findings)."""
    from guardrails.scanner import ScanContext

    if stage not in ("input", "output"):
        raise typer.BadParameter("stage must be input or output", param_hint="--stage")
    rules = _policy(policy).for_tenant(tenant)
    chain = rules.input_chain if stage == "input" else rules.output_chain
    verdict = chain.run(sys.stdin.read(), ScanContext(stage=stage, wants_json=json_requested))
    blocked = verdict.action.value == "block"
    result = {
        "stage": stage,
        "action": verdict.action.value,
        "reason_code": verdict.reason_code,
        "text": rules.block_message if blocked else verdict.text,
        "categories": list(verdict.categories),
        "findings": list(verdict.findings),
    }
    typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
