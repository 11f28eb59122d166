"""``llmops drift sanity``: one sanity run from the command line (cron, CI, by hand)."""

from __future__ import annotations

from pathlib import Path

import typer

from drift.golden import load_golden_set
from drift.sanity_job import SanityJob
from llmops.codec import AvroCodec
from llmops.producer import DurableProducer
from llmops.schema_store import SchemaStore


async def run_sanity_once(
    bootstrap: str, model: str, timeout_s: float, objective_ms: float, golden_file: Path | None
) -> bool:
    """Run the golden set once, print one line per prompt, publish the alert reports; True if degraded."""
    codec = AvroCodec(SchemaStore.load())
    golden = load_golden_set(golden_file)
    producer = DurableProducer(bootstrap, client_id="llmops-drift-sanity-alerts")
    await producer.start()
    try:

        async def publish(topic: str, value: bytes, key: bytes) -> None:
            await producer.send(topic, value, key=key)

        job = SanityJob(bootstrap, codec, golden, model, timeout_s, objective_ms, publish)
        outcomes, verdict = await job.run()
    finally:
        await producer.stop()
    for o in outcomes:
        latency = "-" if o.latency_ms is None else f"{o.latency_ms:.0f} ms"
        ok = o.answered and o.action_ok and o.latency_ok
        typer.echo(
            f"{'ok  ' if ok else 'FAIL'} {o.prompt_id:<16} action={o.action or '-':<8} latency={latency}"
        )
    failures = ", ".join(f"{check} {share:.0%}" for check, share in verdict.failures.items())
    typer.echo(
        f"sanity {'DEGRADED' if verdict.degraded else 'ok'} (golden set {golden.version}; failed: {failures})"
    )
    return verdict.degraded
