"""``llmops deadletter list|show|replay``: inspect dead-lettered events and replay them after a fix.

Exit codes as in :mod:`llmops.cli.ops_commands`. ``replay`` changes nothing unless the
operator confirms (or passes ``--yes``), and ``--dry-run`` never produces.
"""

from __future__ import annotations

from typing import Annotated

import typer

from llmops.cli.ops_commands import (
    EXIT_BAD_INPUT,
    Bootstrap,
    Json,
    Since,
    codec,
    fail,
    run_ops,
)
from llmops.cli.ops_commands import start_at as start_of
from llmops.ops.dead_letter_report import describe
from llmops.ops.dead_letters import DeadLetterFilter, list_dead_letters, select_dead_letters
from llmops.ops.event_view import EventView
from llmops.ops.formatting import json_line, table_header, table_line
from llmops.ops.reader import StartAt, TopicReader
from llmops.ops.replay import ReplayItem, plan_replay
from llmops.ops.replay import replay as send_replays
from llmops.ops.summary import summarize
from llmops.producer import DurableProducer

app = typer.Typer(no_args_is_help=True, help="Inspect and replay dead-lettered events.")

SourceTopic = Annotated[str | None, typer.Option(help="Only events read from this topic.")]
Reason = Annotated[str | None, typer.Option(help="Only errors containing this text (case-insensitive).")]
Service = Annotated[str | None, typer.Option(help="Only events this service dead-lettered.")]
RequestId = Annotated[str | None, typer.Option(help="Only events of this request id.")]
Max = Annotated[int | None, typer.Option("--max", min=0, help="At most N dead letters.")]


@app.command("list")
def list_command(
    source_topic: SourceTopic = None,
    reason: Reason = None,
    service: Service = None,
    request_id: RequestId = None,
    since: Since = None,
    max_events: Max = None,
    bootstrap: Bootstrap = "127.0.0.1:19092",
    json: Json = False,
) -> None:
    """List dead letters (oldest first per partition; default: all retained)."""
    chosen = DeadLetterFilter(source_topic, reason, service, request_id)
    found = run_ops(_list(bootstrap, start_of(since, False, None, StartAt("beginning")), chosen, max_events))
    if not json:
        typer.echo(table_header())
    for view in found:
        typer.echo(json_line(view) if json else table_line(view, summarize(view)))


@app.command("show")
def show(
    dead_letter: Annotated[
        str, typer.Argument(help="partition:offset on llm.deadletter.v1, or a request id.")
    ],
    since: Since = None,
    bootstrap: Bootstrap = "127.0.0.1:19092",
) -> None:
    """Show dead letters in full: reason, source, headers and payload (decoded, or as hex)."""
    found = run_ops(_show(bootstrap, dead_letter, start_of(since, False, None, StartAt("beginning"))))
    for view in found:
        typer.echo("\n".join(describe(view)) + "\n")


@app.command("replay")
def replay(
    dead_letters: Annotated[list[str] | None, typer.Argument(help="partition:offset or request ids.")] = None,
    source_topic: SourceTopic = None,
    reason: Reason = None,
    service: Service = None,
    since: Since = None,
    max_events: Max = None,
    every: Annotated[bool, typer.Option("--all", help="Replay every dead letter (no selector).")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be sent; send nothing.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    force: Annotated[bool, typer.Option(help="Replay entries already replayed once.")] = False,
    bootstrap: Bootstrap = "127.0.0.1:19092",
) -> None:
    """Re-produce dead-lettered events, byte for byte, to their source topic (see llmops.ops.replay)."""
    chosen = DeadLetterFilter(source_topic, reason, service)
    if not (dead_letters or every or chosen != DeadLetterFilter()):
        raise fail(
            "name what to replay: positions or request ids, --source-topic, --reason, --service, or --all",
            EXIT_BAD_INPUT,
        )
    items = run_ops(_plan(bootstrap, dead_letters or [], since, chosen, max_events, force))
    for line in plan_lines(items):
        typer.echo(line)
    sendable = [item for item in items if item.skip_reason is None]
    if dry_run or not sendable:
        typer.echo(f"dry run: {len(sendable)} would be sent" if dry_run else "nothing to send")
        return
    if not yes and not typer.confirm(f"replay {len(sendable)} event(s)?"):
        raise fail("aborted; nothing sent", 1)
    sent = run_ops(_send(bootstrap, items))
    typer.echo(f"replayed {sent} event(s); skipped {len(items) - sent}")


def plan_lines(items: list[ReplayItem]) -> list[str]:
    """One line per dead letter: where it goes, or why it is skipped."""
    lines = []
    for item in items:
        rid = summarize(item.dead_letter).request_id or "-"
        target = f"{item.topic}:{'key' if item.partition is None else item.partition}"
        verdict = f"SKIP ({item.skip_reason})" if item.skip_reason else f"-> {target}"
        service = (item.dead_letter.event or {}).get("service", "-")
        lines.append(
            f"{item.dead_letter.position:<10} {rid:<36} {service:<11} {len(item.value):>7} bytes {verdict}"
        )
    return lines


async def _list(
    bootstrap: str, start: StartAt, chosen: DeadLetterFilter, limit: int | None
) -> list[EventView]:
    async with TopicReader(bootstrap) as reader:
        return await list_dead_letters(reader, codec(), start, chosen, limit)


async def _show(bootstrap: str, name: str, start: StartAt) -> list[EventView]:
    async with TopicReader(bootstrap) as reader:
        return await select_dead_letters(reader, codec(), [name], start, DeadLetterFilter(), None)


async def _plan(
    bootstrap: str,
    names: list[str],
    since: str | None,
    chosen: DeadLetterFilter,
    limit: int | None,
    force: bool,
) -> list[ReplayItem]:
    start = start_of(since, False, None, StartAt("beginning"))
    async with TopicReader(bootstrap) as reader:
        views = await select_dead_letters(reader, codec(), names, start, chosen, limit)
        return await plan_replay(reader, views, force)


async def _send(bootstrap: str, items: list[ReplayItem]) -> int:
    producer = DurableProducer(bootstrap, client_id="llmops-deadletter-replay")
    await producer.start()
    try:
        return await send_replays(producer, items)
    finally:
        await producer.stop()
