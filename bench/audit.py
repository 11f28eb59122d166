"""Audit benchmark: records/s indexed end to end vs the raw ``_bulk`` rate of the same server.

Both figures of a round come from one noida-db started for it (Kafka + Elasticsearch):

* ceiling: the same audit documents sent straight to ``_bulk`` (batches of 1000, two
  requests in flight, the audit template installed) into a fresh daily index, deleted
  after: noida-db re-serializes a service's whole store while it has unsaved writes
  (its ``autosave`` thread; 6,000 stored audit documents cost it 0.16 of a core for as
  long as Elasticsearch is written), so left behind they would tax the end-to-end phase
  with the ceiling's own documents;
* end to end: a backlog of inferences (request, completion and response each) is produced
  to Kafka, then an audit worker is started; the rate is measured over the whole catch-up,
  from the worker's readiness (start-up, group join and table recovery done, the backlog
  waiting) to the last record acknowledged by Elasticsearch: every event read, joined,
  staged in the changelog, sealed into the hash chain and written in ``_bulk``.

Target: the whole catch-up >= 80% of the ceiling. The machine is shared and both rates
swing with its neighbours' load, so the run repeats both measurements ``--rounds`` times
(3 by default), each round on a fresh server, prints every round and takes the verdict on
the median ratio. ``python -m bench audit [--records N] [--rounds R] [--profile PATH]``.
A secondary line gives the first-record window (first indexed record to the last): it
excludes the read phase (a backlog's requests and completions are read and staged before
the first response can seal a record), so it flatters the pipeline and is not the target.
``--profile`` samples the worker with py-spy (installed in ``.bench/audit``, never in the lock
file) over the end-to-end phase and writes its raw stacks to PATH; the sampler takes CPU
from the same machine, so a profiled run's rates are not the figures to report.

Next to the rates it prints the CPU time per record of each process in each phase (from
``/proc``) and the load average before and after the run: on a shared, loaded machine the
rates swing with the neighbours' load, while CPU per record says where the work is
(noida-db: Kafka and Elasticsearch; the worker). The worker's counter is read every 0.1 s:
its ``/metrics`` page costs the worker CPU too.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import orjson
from elasticsearch import AsyncElasticsearch

from audit.chain import ChainHead, head_of, seal
from audit.es_setup import install
from audit.facts import completion_facts, request_facts, response_facts
from audit.indices import AuditIndices
from audit.record import build_record
from audit.sample_events import Inference, sample_inference
from audit.testing import AuditProcess, Noida, count, new_ids, produce
from bench import _profile
from bench._proc import cpu_seconds
from llmops import topics
from llmops.codec import AvroCodec
from llmops.kafka_admin import ensure_topics
from llmops.schema_store import SchemaStore

TARGET = 0.8
POLL_S = 0.1


def _documents(inferences: list[Inference]) -> list[tuple[str, bytes]]:
    head, docs = ChainHead(), []
    for inf in inferences:
        facts = {
            "request": request_facts(inf.request, b"k"),
            "completion": completion_facts(inf.completion),
            "response": response_facts(inf.response),
        }
        record = seal(build_record(facts, "bench"), 0, head, inf.request["created_at"])
        head = head_of(record)
        docs.append((inf.request["request_id"], orjson.dumps(record)))
    return docs


async def bulk_ceiling(
    es_url: str, inferences: list[Inference], server_pid: int, batch: int = 1000
) -> tuple[float, float]:
    """Documents/s of plain ``_bulk`` requests (two in flight) into a fresh daily index, and the
    server's CPU ms per document."""
    indices = AuditIndices("bench-ceiling")
    es = AsyncElasticsearch(es_url, request_timeout=120)
    try:
        await install(es, indices, es_url)
        docs = _documents(inferences)
        index = indices.index_for(inferences[0].request["created_at"])
        bodies = []
        for start in range(0, len(docs), batch):
            lines: list[bytes] = []
            for doc_id, source in docs[start : start + batch]:
                lines += [orjson.dumps({"index": {"_index": index, "_id": doc_id}}), source]
            bodies.append(lines)
        slots = asyncio.Semaphore(2)

        async def send(lines: list[bytes]) -> None:
            async with slots:
                response = await es.bulk(operations=lines)  # type: ignore[arg-type]
                assert not response["errors"]

        started, cpu = time.perf_counter(), cpu_seconds(server_pid)
        await asyncio.gather(*(send(body) for body in bodies))
        elapsed = time.perf_counter() - started
        result = len(docs) / elapsed, 1000 * (cpu_seconds(server_pid) - cpu) / len(docs)
        await es.indices.delete(index=index)
        return result
    finally:
        await es.close()


@dataclass(frozen=True)
class Span:
    """Records indexed over one span of the end-to-end phase, and the CPU each process used."""

    records: int
    seconds: float
    server_cpu_s: float
    worker_cpu_s: float

    def rate(self) -> float:
        """Records per second."""
        return self.records / self.seconds

    def cpu_ms(self) -> tuple[float, float]:
        """CPU ms per record of the server and of the worker."""
        return 1000 * self.server_cpu_s / self.records, 1000 * self.worker_cpu_s / self.records


def end_to_end(
    noida: Noida, inferences: list[Inference], log_dir: Path, profile: Path | None = None
) -> tuple[Span, Span]:
    """Records/s through a real audit worker, with the CPU of the server and of the worker.

    Returns:
        The span from the first indexed record to the last (the target's figure), and the
        whole catch-up: from the worker's readiness (the backlog is waiting) to the last record.
    """
    codec = AvroCodec(SchemaStore.load())
    asyncio.run(produce(noida.bootstrap, codec, inferences))
    worker = AuditProcess(noida, "bench-e2e")
    worker.start(log_dir / "audit.log")
    assert noida.process is not None and worker.process is not None
    pids = (noida.process.pid, worker.process.pid)
    ready, ready_cpu = time.perf_counter(), [cpu_seconds(p) for p in pids]
    recorder = _record(worker.process.pid, profile)
    try:
        total = len(inferences)
        first_seen, first_count, cpu = 0.0, 0, [0.0, 0.0]
        while True:
            indexed = _indexed(worker)  # the worker's own counter: polling _count would load the server
            now = time.perf_counter()
            if indexed and not first_seen:
                first_seen, first_count, cpu = now, indexed, [cpu_seconds(p) for p in pids]
            if indexed >= total:
                end = [cpu_seconds(p) for p in pids]
                assert count(noida.es_url, "bench-e2e") == total
                window = Span(total - first_count, now - first_seen, end[0] - cpu[0], end[1] - cpu[1])
                whole = Span(total, now - ready, end[0] - ready_cpu[0], end[1] - ready_cpu[1])
                return window, whole
            time.sleep(POLL_S)
    finally:
        if recorder is not None:  # py-spy writes its stacks when interrupted
            recorder.send_signal(signal.SIGINT)
            recorder.wait(timeout=30)
        worker.stop()


def _record(pid: int, profile: Path | None) -> subprocess.Popen[bytes] | None:
    """py-spy sampling the worker over the end-to-end phase (``--profile``)."""
    if profile is None:
        return None
    py_spy = _profile.install_py_spy(Path(".bench") / "audit")
    if py_spy is None:
        print("py-spy could not be installed; no profile")
        return None
    return _profile.start_recording(py_spy, pid, 600, profile)


def _indexed(worker: AuditProcess) -> int:
    """Documents the worker's bulk writer saw acknowledged (``llmops_audit_documents_indexed_total``)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{worker.http_port}/metrics", timeout=5) as response:
        for line in response.read().decode().splitlines():
            if line.startswith("llmops_audit_documents_indexed_total"):
                return int(float(line.split()[-1]))
    return 0


@dataclass(frozen=True)
class Round:
    """One ceiling and one end-to-end measurement, back to back on a fresh noida-db."""

    ceiling: float
    ceiling_cpu_ms: float
    window: Span
    whole: Span

    def ratio(self) -> float:
        """The whole catch-up's rate over the ceiling's."""
        return self.whole.rate() / self.ceiling


def measure(records: int, profile: Path | None) -> Round:
    """Both measurements on one fresh noida-db."""
    created_at = int(time.time() * 1000)
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as tmp:
        noida = Noida(Path(tmp) / "data")
        noida.start()
        try:
            asyncio.run(ensure_topics(noida.bootstrap, topics.ALL_TOPICS))
            assert noida.process is not None
            ceiling, ceiling_cpu = asyncio.run(
                bulk_ceiling(
                    noida.es_url,
                    [sample_inference(i, created_at) for i in new_ids(records)],
                    noida.process.pid,
                )
            )
            window, whole = end_to_end(
                noida, [sample_inference(i, created_at) for i in new_ids(records)], Path(tmp), profile
            )
        finally:
            noida.stop()
    return Round(ceiling, ceiling_cpu, window, whole)


def main(argv: list[str]) -> int:
    """Run ``--rounds`` rounds of both measurements and print them side by side, with the median."""
    parser = argparse.ArgumentParser(prog="bench audit")
    parser.add_argument("--records", type=int, default=5_000)
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds (each on a fresh server); the verdict is their median"
    )
    parser.add_argument(
        "--profile", type=Path, help="write the worker's py-spy stacks (raw) here; runs one round"
    )
    args = parser.parse_args(argv)
    load_before = _load_average()
    rounds = [
        measure(args.records, args.profile.resolve() if args.profile else None)
        for _ in range(1 if args.profile else args.rounds)
    ]
    print(f"records               {args.records} per round, {len(rounds)} round(s)")
    print(f"load average          {load_before} before, {_load_average()} after")
    for number, result in enumerate(rounds, 1):
        _print_round(number, result)
    ratio = statistics.median(r.ratio() for r in rounds)
    verdict = "met" if ratio >= TARGET else "NOT met"
    print(f"ratio                 {ratio:.0%} median whole catch-up (target >= {TARGET:.0%}: {verdict})")
    return 0


def _print_round(number: int, result: Round) -> None:
    whole, window = result.whole, result.window
    print(f"round {number}")
    print(f"  raw _bulk ceiling     {result.ceiling:,.0f} docs/s (same server, same documents)")
    print(
        f"  audit end to end      {whole.rate():,.0f} records/s, {result.ratio():.0%} of the ceiling"
        " (whole catch-up from readiness: Kafka -> join -> chain -> _bulk)"
    )
    print(
        f"    first-record window {window.rate():,.0f} records/s, {window.rate() / result.ceiling:.0%}"
        " (first indexed record to the last; excludes the read phase)"
    )
    print(f"  CPU per record        ceiling: noida-db {result.ceiling_cpu_ms:.2f} ms")
    for name, span in (("whole catch-up", whole), ("first-record window", window)):
        server, worker = span.cpu_ms()
        print(f"                        {name}: noida-db {server:.2f} ms, audit worker {worker:.2f} ms")


def _load_average() -> str:
    """The 1, 5 and 15 minute load averages of the machine."""
    return " ".join(f"{load:.2f}" for load in os.getloadavg())
