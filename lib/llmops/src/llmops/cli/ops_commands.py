"""``llmops tail`` and ``llmops trace``: read the topics as an operator, never as a consumer group.

Exit codes (shared with ``llmops deadletter``): 0 done; 1 a server could not be reached;
2 bad input (unknown topic, invalid ``--since``, conflicting options); 3 undecodable
events were printed; 4 nothing found for the request id or dead letter asked for.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Coroutine
from dataclasses import replace
from typing import Annotated, Any, TypeVar

import typer
from aiokafka.errors import KafkaError

from llmops.clock import now_ms
from llmops.codec import AvroCodec
from llmops.errors import ConfigurationError, DependencyUnavailable, LlmopsError
from llmops.ops.ages import since_to_epoch_ms
from llmops.ops.audit_state import audit_state
from llmops.ops.dead_letters import DeadLetterNotFound
from llmops.ops.filters import EventFilter
from llmops.ops.reader import StartAt, TopicReader
from llmops.ops.tail import TailOptions, TailOutcome
from llmops.ops.tail import tail as tail_topic
from llmops.ops.trace import find_hops
from llmops.ops.trace_report import render_trace, trace_json
from llmops.schema_store import SchemaStore

T = TypeVar("T")
EXIT_UNAVAILABLE, EXIT_BAD_INPUT, EXIT_UNDECODABLE, EXIT_NOT_FOUND = 1, 2, 3, 4
RECENT_S = 300
"""A request younger than this may not be audited yet (audit's join timeout is 120 s by default)."""

Bootstrap = Annotated[
    str, typer.Option("--bootstrap", envvar="LLMOPS_KAFKA_BOOTSTRAP", help="Kafka brokers, host:port[,...].")
]
Since = Annotated[str | None, typer.Option(help="Start at an age (10m, 1h30m, 7d) or a UTC ISO instant.")]
Json = Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")]


def fail(message: str, code: int) -> typer.Exit:
    """Print ``message`` on one line to stderr; return the exit to raise."""
    typer.secho(message, fg="red", err=True)
    return typer.Exit(code)


def run_ops(work: Coroutine[Any, Any, T]) -> T:
    """Run an operator coroutine, turning platform errors into one line and an exit code."""
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # its errors reach us as exceptions
    try:
        return asyncio.run(work)
    except ConfigurationError as exc:
        raise fail(str(exc), EXIT_BAD_INPUT) from exc
    except DeadLetterNotFound as exc:
        raise fail(str(exc), EXIT_NOT_FOUND) from exc
    except DependencyUnavailable as exc:
        raise fail(str(exc), EXIT_UNAVAILABLE) from exc
    except LlmopsError as exc:
        raise fail(str(exc), EXIT_UNAVAILABLE) from exc
    except KafkaError as exc:  # a broker failing mid-read
        raise fail(f"kafka: {type(exc).__name__}: {exc}", EXIT_UNAVAILABLE) from exc
    except BrokenPipeError as exc:  # `llmops tail ... | head`: the reader left, which is fine
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the Python docs' recipe
        raise typer.Exit(0) from exc


def start_at(since: str | None, from_beginning: bool, last: int | None, default: StartAt) -> StartAt:
    """The one start position the options name (at most one may be given)."""
    given = [
        name
        for name, value in (("--since", since), ("--from-beginning", from_beginning), ("--last", last))
        if value
    ]
    if len(given) > 1:
        raise fail(f"choose one of {', '.join(given)}", EXIT_BAD_INPUT)
    try:
        if since:
            return StartAt("since", since_to_epoch_ms(since, now_ms()))
    except ConfigurationError as exc:
        raise fail(str(exc), EXIT_BAD_INPUT) from exc
    if from_beginning:
        return StartAt("beginning")
    return StartAt("last", last) if last is not None else default


def codec() -> AvroCodec:
    """The platform codec over every known schema version."""
    return AvroCodec(SchemaStore.load())


def tail(
    topic: Annotated[str, typer.Argument(help="Topic to read, e.g. llm.responses.v1.")],
    bootstrap: Bootstrap = "127.0.0.1:19092",
    follow: Annotated[bool, typer.Option("--follow", "-f", help="Keep printing new events.")] = False,
    from_beginning: Annotated[
        bool, typer.Option("--from-beginning", help="Start at the oldest event.")
    ] = False,
    since: Since = None,
    last: Annotated[
        int | None, typer.Option(min=0, help="Start N events before the end of each partition.")
    ] = None,
    tenant: Annotated[str | None, typer.Option(help="Only this tenant.")] = None,
    request_id: Annotated[str | None, typer.Option(help="Only this request (and its rewrite).")] = None,
    action: Annotated[
        str | None, typer.Option(help="Only this guardrail action: allow, redact, block.")
    ] = None,
    max_events: Annotated[int | None, typer.Option("--max", min=0, help="Stop after N events.")] = None,
    json: Json = False,
) -> None:
    """Print a topic's events decoded (default: the last 10 per partition; undecodable ones flagged)."""
    options = TailOptions(
        start=start_at(since, from_beginning, last, StartAt("last", 10)),
        follow=follow,
        event_filter=EventFilter(tenant=tenant, request_id=request_id, action=action),
        max_events=max_events,
        as_json=json,
    )
    outcome = TailOutcome()
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C ends --follow; the counts still decide the exit
        run_ops(_tail(bootstrap, topic, options, outcome))
    if outcome.undecodable:
        raise fail(
            f"{outcome.undecodable} undecodable event(s) printed (marked UNDECODABLE)", EXIT_UNDECODABLE
        )


async def _tail(bootstrap: str, topic: str, options: TailOptions, outcome: TailOutcome) -> None:
    async with TopicReader(bootstrap) as reader:
        await tail_topic(reader, codec(), topic, options, typer.echo, outcome)


def trace(
    request_id: Annotated[str, typer.Argument(help="The request id (the gateway's x-request-id).")],
    since: Annotated[str, typer.Option(help="How far back to look: an age or a UTC ISO instant.")] = "24h",
    bootstrap: Bootstrap = "127.0.0.1:19092",
    es_url: Annotated[str, typer.Option(envvar="AUDIT_ELASTICSEARCH_URL")] = "http://127.0.0.1:19200",
    index: Annotated[str, typer.Option(envvar="AUDIT_INDEX", help="Audit alias.")] = "llmops-audit",
    audit: Annotated[bool, typer.Option(help="Look up the audit record.")] = True,
    json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """Follow one request across the topics: each hop, its time, the latency between hops, its audit."""
    try:
        since_ms = since_to_epoch_ms(since, now_ms())
    except ConfigurationError as exc:
        raise fail(str(exc), EXIT_BAD_INPUT) from exc
    hops = run_ops(_find(bootstrap, request_id, since_ms))
    if not hops:
        raise fail(f"request {request_id!r} not found on any topic (searched since {since})", EXIT_NOT_FOUND)
    state = asyncio.run(audit_state(es_url, index, request_id)) if audit else None
    age_s = (now_ms() - hops[-1].view.timestamp_ms) // 1000
    if state is not None and state.status == "missing" and age_s < RECENT_S:
        state = replace(state, detail=f"the last hop is {age_s}s old; audit writes a record after its join")
    if json:
        typer.echo(trace_json(request_id, hops, state))
    else:
        typer.echo("\n".join(render_trace(request_id, hops, state)))


async def _find(bootstrap: str, request_id: str, since_ms: int) -> list[Any]:
    async with TopicReader(bootstrap) as reader:
        return await find_hops(reader, codec(), request_id, since_ms)
