"""Accuracy of drift detection on synthetic streams with designed shifts and controls.

Each stream: one reference window, then ``WINDOWS_BEFORE`` windows of the same traffic,
then ``WINDOWS_AFTER`` windows after a designed shift ("none" for controls). A shift is
detected when any test flags drift within ``DETECTION_HORIZON`` windows of its start;
a false alarm is a window without a shift where any test flags drift. Seeds default to
a range never used while developing (0-99 were), so the figures are out-of-sample.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from drift.detector import DetectionConfig, DriftDetector
from drift.embedding import Embedder, HashingEmbedder
from drift.features import completion_features, response_features
from drift.sample import FeatureSample, SampleBuilder
from drift.synthetic import base_profile, shifted_profile
from drift.traffic import draw_events

SHIFTS = ("length", "language", "topic", "embedding")
WINDOWS_BEFORE = 2
WINDOWS_AFTER = 3
DETECTION_HORIZON = 2
WINDOW_MS = 60_000


@dataclass(frozen=True)
class StreamOutcome:
    """Per-window verdicts of one stream (True = some test flagged drift)."""

    shift: str
    verdicts: tuple[bool, ...]
    drifted_features: tuple[frozenset[str], ...]


def window_sample(pairs: list[tuple[dict, dict]], embedder: Embedder, seed: int) -> FeatureSample:  # type: ignore[type-arg]
    """Features of one window of events, through the real extraction."""
    builder = SampleBuilder(capacity=5000, dimension=embedder.dimension, seed=seed)
    for completion, response in pairs:
        builder.add(completion_features(completion, embedder))
        builder.add(response_features(response, embedder))
    return builder.build()


def run_stream(shift: str, seed: int, events_per_window: int, config: DetectionConfig) -> StreamOutcome:
    """Generate one stream and run the detector on each of its windows."""
    rng = np.random.default_rng(seed)
    embedder = HashingEmbedder()
    detector = DriftDetector(config)
    before = base_profile(rng)
    after = shifted_profile(before, shift, rng)
    profiles = [before] * (1 + WINDOWS_BEFORE) + [after] * WINDOWS_AFTER
    samples = [
        window_sample(draw_events(p, events_per_window, i * WINDOW_MS, WINDOW_MS, rng), embedder, i)
        for i, p in enumerate(profiles)
    ]
    verdicts, features = [], []
    for sample in samples[1:]:
        flagged = frozenset(r.feature for r in detector.compare(samples[0], sample) if r.drifted)
        verdicts.append(bool(flagged))
        features.append(flagged)
    return StreamOutcome(shift, tuple(verdicts), tuple(features))


@dataclass(frozen=True)
class ScenarioSummary:
    """One row of the accuracy table."""

    scenario: str
    streams: int
    detection_rate: float | None
    mean_windows_to_detect: float | None
    false_alarm_rate: float
    false_alarm_windows: int
    quiet_windows: int


def summarise(shift: str, outcomes: list[StreamOutcome]) -> ScenarioSummary:
    """Detection within the horizon, windows to detect, false alarms on quiet windows."""
    quiet = [v for o in outcomes for v in (o.verdicts if shift == "none" else o.verdicts[:WINDOWS_BEFORE])]
    if shift == "none":
        return ScenarioSummary(
            shift, len(outcomes), None, None, float(np.mean(quiet)), sum(quiet), len(quiet)
        )
    delays = []
    for outcome in outcomes:
        after = outcome.verdicts[WINDOWS_BEFORE : WINDOWS_BEFORE + DETECTION_HORIZON]
        delays.append(after.index(True) + 1 if True in after else None)
    found = [d for d in delays if d is not None]
    return ScenarioSummary(
        shift,
        len(outcomes),
        len(found) / len(outcomes),
        float(np.mean(found)) if found else None,
        float(np.mean(quiet)),
        sum(quiet),
        len(quiet),
    )


def evaluate(
    seeds: range, events_per_window: int, config: DetectionConfig, controls_per_seed: int = 2
) -> list[ScenarioSummary]:
    """Run every scenario over ``seeds`` (controls get ``controls_per_seed`` streams per seed)."""
    rows = []
    for shift in SHIFTS:
        rows.append(summarise(shift, [run_stream(shift, seed, events_per_window, config) for seed in seeds]))
    control_seeds = [seed * controls_per_seed + k for seed in seeds for k in range(controls_per_seed)]
    rows.append(
        summarise(
            "none", [run_stream("none", 10_000_000 + s, events_per_window, config) for s in control_seeds]
        )
    )
    return rows


def format_table(rows: list[ScenarioSummary], events_per_window: int, config: DetectionConfig) -> str:
    """The table ``make eval-drift`` prints, with the targets."""
    lines = [
        f"drift accuracy: {events_per_window} events/window, family-wise false-alarm rate "
        f"{config.false_alarm_rate}, horizon {DETECTION_HORIZON} windows",
        f"{'scenario':<10} {'streams':>7} {'detected':>9} {'windows-to-detect':>18} {'false alarms':>18}",
    ]
    for r in rows:
        detected = "-" if r.detection_rate is None else f"{r.detection_rate:.1%}"
        delay = "-" if r.mean_windows_to_detect is None else f"{r.mean_windows_to_detect:.2f}"
        alarms = f"{r.false_alarm_rate:.1%} ({r.false_alarm_windows}/{r.quiet_windows})"
        lines.append(f"{r.scenario:<10} {r.streams:>7} {detected:>9} {delay:>18} {alarms:>18}")
    shifted = [r for r in rows if r.detection_rate is not None]
    detection = float(np.mean([r.detection_rate for r in shifted]))
    alarm_rate = sum(r.false_alarm_windows for r in rows) / max(1, sum(r.quiet_windows for r in rows))
    lines.append(
        f"overall: detection {detection:.1%} (target >= 95%), false alarms {alarm_rate:.1%} (target <= 5%)"
    )
    return "\n".join(lines)


def targets_met(rows: list[ScenarioSummary], detection: float = 0.95, false_alarms: float = 0.05) -> bool:
    """Every designed shift detected in >= ``detection`` of streams; false alarms <= ``false_alarms``."""
    shifted = [r.detection_rate for r in rows if r.detection_rate is not None]
    alarm_rate = sum(r.false_alarm_windows for r in rows) / max(1, sum(r.quiet_windows for r in rows))
    return all(rate >= detection for rate in shifted) and alarm_rate <= false_alarms
