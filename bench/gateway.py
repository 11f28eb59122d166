"""Gateway benchmark: added latency and sustained rate of the whole platform path.

Three systems answer the same text completion, each measured alone at several offered
loads (open loop), in the same run, against the same TGI simulator:

- ``direct``: the caller calls the simulator itself (the baseline);
- ``hop``: a minimal FastAPI + aiohttp forwarding hop (the floor of any Python proxy;
  LiteLLM's proxy, the intended peer, is not in this machine's package index);
- ``gateway``: the platform path — gateway (JWT, Redis quotas, idempotency, reply
  partition) -> Kafka -> inference -> Kafka -> guardrails -> Kafka -> gateway, with audit
  and drift consuming alongside.

"Added" latency is a system's percentile minus the direct call's at the same load.
A py-spy profile of the gateway process under load says where its time goes.

``python -m bench gateway`` or ``python -m bench.gateway --rates 50,100,200 --duration 5``.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import aiohttp

from bench._load import StepResult, run_step
from bench._proc import cpu_seconds
from bench._profile import install_py_spy, start_recording, summarise
from llmops.dev_tokens import mint_token
from llmops.localstack.components import HOST, StackConfig
from llmops.localstack.ports import StackPorts, free_port
from llmops.localstack.stack import LocalStack

BENCH_DIR = Path(".bench") / "gateway"
BODY = {
    "model": "llama-3.1-8b",
    "prompt": "Summarise the refund policy in one line",
    "max_tokens": 4,
    "seed": 7,
}


def parse(argv: list[str]) -> argparse.Namespace:
    """Command-line options (defaults keep a run to a couple of minutes)."""
    parser = argparse.ArgumentParser(prog="bench gateway", description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="25,100,200,300", help="offered loads, requests/s")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per step")
    parser.add_argument(
        "--decode-ms", type=float, default=5.0, help="simulated ms per output token (4 tokens)"
    )
    parser.add_argument(
        "--profile-rate", type=float, default=150.0, help="load during the profile; 0 skips it"
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    """Run the benchmark; non-zero if a system failed to start."""
    args = parse(argv)
    shutil.rmtree(BENCH_DIR / "stack", ignore_errors=True)
    simulator = (
        "--prefill-ms-per-token",
        "0",
        "--decode-ms-per-token",
        str(args.decode_ms),
        "--eos-probability",
        "0",
    )
    config = StackConfig(run_dir=BENCH_DIR / "stack", ports=StackPorts.free(), simulator_args=simulator)
    stack = LocalStack(config)
    started = stack.up()
    hop_port = free_port()
    hop = subprocess.Popen(
        [sys.executable, "-m", "bench._forwarding_hop", f"http://{HOST}:{config.ports.tgi}", str(hop_port)]
    )
    try:
        _wait_http(f"http://{HOST}:{hop_port}/openapi.json")
        pids = {"hop": hop.pid, "gateway": next(s.pid for s in started if s.name == "gateway")}
        return asyncio.run(_measure(args, config, hop_port, pids))
    finally:
        hop.terminate()
        hop.wait(timeout=15)
        stack.down()


async def _measure(args: argparse.Namespace, config: StackConfig, hop_port: int, pids: dict[str, int]) -> int:
    systems = {
        "direct": (f"http://{HOST}:{config.ports.tgi}/v1/completions", {}),
        "hop": (f"http://{HOST}:{hop_port}/v1/completions", {}),
        "gateway": (
            f"http://{HOST}:{config.ports.gateway}/v1/completions",
            {"Authorization": f"Bearer {mint_token('bench', ttl_s=3600)}"},
        ),
    }
    connector = aiohttp.TCPConnector(limit=2000)
    async with aiohttp.ClientSession(connector=connector) as session:
        for name, (url, headers) in systems.items():  # warm up connections and caches
            await run_step(session, name, url, BODY, headers, 20, 2)
        idle = {name: await _idle_cpu_share(pid) for name, pid in pids.items()}
        print(
            f"model: simulator, 4 output tokens at {args.decode_ms:g} ms each; {args.duration:g} s per step"
        )
        print("idle CPU (share of one core): " + ", ".join(f"{n} {100 * v:.0f}%" for n, v in idle.items()))
        print(_header())
        for rate in (float(r) for r in args.rates.split(",")):
            await _load_step(session, systems, pids, rate, args.duration)
        if args.profile_rate > 0:
            await _profile(session, systems["gateway"], args.profile_rate, pids["gateway"])
    return 0


async def _load_step(
    session: aiohttp.ClientSession,
    systems: dict[str, tuple[str, dict[str, str]]],
    pids: dict[str, int],
    rate: float,
    duration_s: float,
) -> None:
    """Each system alone at ``rate``; prints latency, added latency and the process's CPU share.

    CPU is not divided per request: the local Kafka stand-in answers empty fetches at once,
    so an idle consumer spins, and under load that spin turns into real work.
    """
    steps: dict[str, StepResult] = {}
    for name, (url, headers) in systems.items():
        before = cpu_seconds(pids[name]) if name in pids else 0.0
        sums_before = await _gateway_sums(session, url) if name == "gateway" else {}
        steps[name] = step = await run_step(session, name, url, BODY, headers, rate, duration_s)
        cpu = (cpu_seconds(pids[name]) - before) / step.duration_s if name in pids else None
        print(_row(step, steps["direct"], cpu), flush=True)
        if name == "gateway":
            own = _own_ms(sums_before, await _gateway_sums(session, url))
            print(f"{'':8} gateway's own share of the mean latency: {own}")


async def _profile(
    session: aiohttp.ClientSession, system: tuple[str, dict[str, str]], rate: float, pid: int
) -> None:
    py_spy = install_py_spy(BENCH_DIR)
    if py_spy is None:
        print("profile skipped: py-spy could not be installed in .bench/gateway/venv")
        return
    output = BENCH_DIR / "gateway-profile.txt"
    duration = 6
    recorder = start_recording(py_spy, pid, duration, output)
    step = await run_step(session, "gateway", system[0], BODY, system[1], rate, duration)
    _, errors = await asyncio.to_thread(recorder.communicate)
    print(f"\nprofile of the gateway process at {rate:g} req/s offered ({step.achieved_rps:.0f} achieved):")
    if recorder.returncode != 0 or not output.exists():
        print(f"py-spy failed: {errors.decode(errors='replace').strip()[-500:]}")
        return
    print(summarise(output))
    print(f"(collapsed stacks in {output})")


_SERIES = {
    "request": ("llmops_gateway_request_duration_seconds", '{route="/v1/completions"}'),
    "pipeline": ("llmops_gateway_pipeline_duration_seconds", ""),
}


async def _gateway_sums(session: aiohttp.ClientSession, url: str) -> dict[str, float]:
    """Sums and counts of the gateway's request and pipeline histograms (from its ``/metrics``)."""
    async with session.get(url.replace("/v1/completions", "/metrics")) as answer:
        text = await answer.text()
    sums: dict[str, float] = {}
    for key, (name, labels) in _SERIES.items():
        for part in ("sum", "count"):
            match = re.search(rf"^{name}_{part}{re.escape(labels)} (\S+)$", text, re.M)
            sums[f"{key}_{part}"] = float(match.group(1)) if match else 0.0
    return sums


def _own_ms(before: dict[str, float], after: dict[str, float]) -> str:
    """Mean request latency minus mean pipeline latency (produce to reply): what the gateway adds."""
    delta = {k: after[k] - before.get(k, 0.0) for k in after}
    if not delta["request_count"] or not delta["pipeline_count"]:
        return "n/a"
    request = 1000 * delta["request_sum"] / delta["request_count"]
    pipeline = 1000 * delta["pipeline_sum"] / delta["pipeline_count"]
    return f"{request - pipeline:.1f} ms (request {request:.1f} ms, pipeline {pipeline:.1f} ms)"


async def _idle_cpu_share(pid: int, seconds: float = 2.0) -> float:
    """CPU a process burns without traffic (the local Kafka stand-in answers empty fetches at once)."""
    before = cpu_seconds(pid)
    await asyncio.sleep(seconds)
    return (cpu_seconds(pid) - before) / seconds


def _header() -> str:
    return (
        f"{'system':<8} {'offered':>8} {'achieved':>9} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'+p50 ms':>8} {'+p99 ms':>8} {'CPU %':>6}  errors"
    )


def _row(step: StepResult, direct: StepResult, cpu_share: float | None) -> str:
    p50, p99 = step.percentile(50), step.percentile(99)
    added50, added99 = p50 - direct.percentile(50), p99 - direct.percentile(99)
    cpu = f"{100 * cpu_share:>6.0f}" if cpu_share is not None else f"{'-':>6}"
    return (
        f"{step.system:<8} {step.offered_rps:>8.0f} {step.achieved_rps:>9.1f} {p50:>8.1f} {p99:>8.1f} "
        f"{added50:>8.1f} {added99:>8.1f} {cpu}  {step.errors or '-'}"
    )


def _wait_http(url: str) -> None:
    for _ in range(200):
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
