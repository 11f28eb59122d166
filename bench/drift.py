"""Drift benchmark: events/s through feature extraction and windowing, and the cost of one
window's tests, side by side with Evidently's data-drift report on the same data.

Evidently runs in its own venv under ``.bench/drift-evidently`` (created on first use with
``uv venv`` + ``uv pip install evidently``; never in the project's lock file). Both sides get
the same windows (a reference, then windows without and with designed shifts). The
comparison of cost and decisions is on the tabular features both can test (token counts,
latency, finish reason, language, guardrail outcomes); our full window cost, embeddings
included, is printed too. Evidently is run twice: with its defaults (p < 0.05 per column)
and with the same family-wise level as ours (Bonferroni-split), whose decisions are
the ones compared.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from drift.detector import DetectionConfig, DriftDetector
from drift.embedding import HashingEmbedder
from drift.features import FEATURES, Kind, completion_features, response_features
from drift.sample import FeatureSample, SampleBuilder
from drift.synthetic import base_profile, shifted_profile
from drift.traffic import draw_events

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".bench" / "drift-evidently"
EVIDENTLY = "evidently==0.7.23"
SHIFTS = ("none", "none", "length", "language", "topic", "none")
TABULAR = tuple(s.name for s in FEATURES if s.kind is not Kind.EMBEDDING)
NUMERICAL = [s.name for s in FEATURES if s.kind is Kind.CONTINUOUS]
CATEGORICAL = [s.name for s in FEATURES if s.kind is Kind.CATEGORICAL]


def _evidently_python() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run(["uv", "venv", "-q", "-p", "3.11", str(VENV)], check=True)
        subprocess.run(
            ["uv", "pip", "install", "-q", "-p", str(python), EVIDENTLY, "pandas==2.2.3"], check=True
        )
    return python


def _windows(events: int, seed: int) -> list[list[tuple[dict[str, Any], dict[str, Any]]]]:
    rng = np.random.default_rng(seed)
    profile = base_profile(rng)
    profiles = [profile] + [shifted_profile(profile, shift, rng) for shift in SHIFTS]
    return [draw_events(p, events, i * 60_000, 60_000, rng) for i, p in enumerate(profiles)]


def _featurise(
    windows: list[list[tuple[dict[str, Any], dict[str, Any]]]],
) -> tuple[list[FeatureSample], tuple[float, float]]:
    embedder, samples = HashingEmbedder(), []
    started, cpu_started = time.perf_counter(), time.process_time()
    for index, pairs in enumerate(windows):
        builder = SampleBuilder(capacity=10_000, dimension=embedder.dimension, seed=index)
        for completion, response in pairs:
            builder.add(completion_features(completion, embedder))
            builder.add(response_features(response, embedder))
        samples.append(builder.build())
    return samples, (time.perf_counter() - started, time.process_time() - cpu_started)


def _table(sample: FeatureSample) -> dict[str, list[Any]]:
    table: dict[str, list[Any]] = {name: sample.continuous[name].tolist() for name in NUMERICAL}
    for name in CATEGORICAL:
        table[name] = [c for c, n in sorted(sample.categorical[name].items()) for _ in range(n)]
    return table


def _ours(
    samples: list[FeatureSample], config: DetectionConfig
) -> tuple[list[tuple[float, float]], list[dict[str, bool]]]:
    detector, seconds, decisions = DriftDetector(config), [], []
    for sample in samples[1:]:
        started, cpu_started = time.perf_counter(), time.process_time()
        results = detector.compare(samples[0], sample)
        seconds.append((time.perf_counter() - started, time.process_time() - cpu_started))
        decision: dict[str, bool] = {}
        for r in results:
            decision[r.feature] = decision.get(r.feature, False) or bool(r.drifted)
        decisions.append(decision)
    return seconds, decisions


def _evidently(samples: list[FeatureSample], threshold: float | None) -> dict[str, Any]:
    spec = {
        "numerical": NUMERICAL,
        "categorical": CATEGORICAL,
        "reference": _table(samples[0]),
        "windows": [_table(s) for s in samples[1:]],
        "threshold": threshold,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(spec, handle)
    output = subprocess.run(
        [str(_evidently_python()), str(ROOT / "bench" / "_evidently_drift.py"), handle.name],
        capture_output=True,
        text=True,
        check=True,
    )
    Path(handle.name).unlink()
    result: dict[str, Any] = json.loads(output.stdout.strip().splitlines()[-1])
    return result


def _agreement(ours: list[dict[str, bool]], theirs: list[dict[str, bool]]) -> tuple[int, int]:
    pairs = [(o[f], t[f]) for o, t in zip(ours, theirs, strict=True) for f in TABULAR if f in t]
    return sum(a == b for a, b in pairs), len(pairs)


def main(argv: list[str]) -> int:
    """Run the benchmark and print the table; non-zero if Evidently could not run."""
    parser = argparse.ArgumentParser(prog="bench drift")
    parser.add_argument("--events", type=int, default=1000, help="events per window")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    windows = _windows(args.events, args.seed)
    samples, featurising_s = _featurise(windows)
    events = 2 * sum(len(w) for w in windows)
    full_s, _ = _ours(samples, DetectionConfig())
    tabular_config = DetectionConfig(features=TABULAR)
    tabular_s, ours = _ours(samples, tabular_config)
    family_threshold = 0.05 / len(TABULAR)
    try:
        default = _evidently(samples, None)
        matched = _evidently(samples, family_threshold)
    except (subprocess.CalledProcessError, OSError) as exc:
        print(f"evidently could not run: {exc}", file=sys.stderr)
        return 1
    _print(args.events, events, featurising_s, full_s, tabular_s, ours, default, matched)
    return 0


def _print(
    window: int,
    events: int,
    featurising_s: tuple[float, float],
    full_s: list[tuple[float, float]],
    tabular_s: list[tuple[float, float]],
    ours: list[dict[str, bool]],
    default: dict[str, Any],
    matched: dict[str, Any],
) -> None:
    theirs = list(zip(matched["seconds"], matched["cpu_seconds"], strict=True))
    ours_ms, theirs_ms = (1000 * np.mean(np.array(t), axis=0) for t in (tabular_s, theirs))
    agree, total = _agreement(ours, matched["decisions"])
    agree_default, _ = _agreement(ours, default["decisions"])
    print(
        f"windows: {len(full_s)} x {window} events (shifts: {', '.join(SHIFTS)}), reference {window} events"
    )
    wall, cpu = featurising_s
    print(f"features + windowing: {events / wall:,.0f} events/s wall, {events / cpu:,.0f} per cpu-second")
    print(f"{'one window of tests (mean)':<44} {'wall ms':>9} {'cpu ms':>9} {'events/s':>10}")
    rows = [
        ("ours, all 9 features (embeddings incl.)", 1000 * np.mean(np.array(full_s), axis=0)),
        ("ours, 7 tabular features", ours_ms),
        ("evidently DataDriftPreset, same 7 features", theirs_ms),
    ]
    for name, (wall, cpu) in rows:
        print(f"{name:<44} {wall:>9.1f} {cpu:>9.1f} {1000 * window / wall:>10,.0f}")
    ratio_wall, ratio_cpu = theirs_ms[0] / ours_ms[0], theirs_ms[1] / ours_ms[1]
    print(f"speed-up on the same features: {ratio_wall:.0f}x wall, {ratio_cpu:.0f}x cpu (target >= 50x)")
    print(f"evidently methods: {', '.join(sorted(set(matched['methods'].values())))}")
    print(f"agreement (feature x window), same family-wise level: {agree}/{total} ({agree / total:.0%})")
    print(f"agreement with evidently's defaults (p < 0.05 per column): {agree_default}/{total}")
    for index, (o, t) in enumerate(zip(ours, matched["decisions"], strict=True)):
        diff = [f for f in TABULAR if f in t and o[f] != t[f]]
        flagged = sorted(f for f in TABULAR if o.get(f))
        note = f"  differs on {', '.join(diff)}" if diff else ""
        print(f"  window {index + 1} ({SHIFTS[index]}): ours flagged {flagged or '-'}{note}")
