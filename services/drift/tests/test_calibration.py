"""Calibrated thresholds hold the false-alarm rate on data without drift and still see real shifts."""

from __future__ import annotations

import numpy as np
import pytest

from drift.calibration import gamma_upper_quantile, permutation_memberships
from drift.detector import TEST_COUNT, DetectionConfig, DriftDetector
from drift.embedding import HashingEmbedder
from drift.evaluation import window_sample
from drift.synthetic import base_profile, shifted_profile
from drift.traffic import draw_events


@pytest.mark.parametrize("dof", [1, 4, 9, 30])
def test_gamma_fit_recovers_chi_square_quantiles(dof: int) -> None:
    rng = np.random.default_rng(dof)
    null = rng.chisquare(dof, size=4000)
    exact = float(np.quantile(rng.chisquare(dof, size=400_000), 0.99))

    assert gamma_upper_quantile(null, 0.01) == pytest.approx(exact, rel=0.08)


def test_degenerate_null_gives_its_maximum() -> None:
    assert gamma_upper_quantile(np.zeros(50), 0.01) == pytest.approx(0.0, abs=1e-9)


def test_permutations_choose_exactly_the_reference_size() -> None:
    memberships = permutation_memberships(30, 100, 50, np.random.default_rng(0))

    assert memberships.shape == (100, 50)
    assert np.all(memberships.sum(axis=0) == 30)


def _window(profile: object, rng: np.random.Generator, seed: int) -> object:
    return window_sample(draw_events(profile, 300, 0, 60_000, rng), HashingEmbedder(), seed)  # type: ignore[arg-type]


def test_false_alarms_stay_near_the_per_test_level_without_drift() -> None:
    """Per-test rejections on same-distribution windows, pooled over streams, stay at the Bonferroni level."""
    config = DetectionConfig(false_alarm_rate=0.05, null_draws=200)
    detector, flagged_windows, flagged_tests, tests = DriftDetector(config), 0, 0, 0
    for seed in range(500, 512):
        rng = np.random.default_rng(seed)
        profile = base_profile(rng)
        reference = _window(profile, rng, 0)
        results = detector.compare(reference, _window(profile, rng, 1))  # type: ignore[arg-type]
        drifted = [r for r in results if r.drifted]
        flagged_windows += bool(drifted)
        flagged_tests += len(drifted)
        tests += len(results)
    assert tests == 12 * TEST_COUNT
    assert flagged_windows <= 2  # expected 0.6 at a 5% family-wise rate; 3+ has probability < 2%


@pytest.mark.parametrize("shift", ["length", "language", "topic", "embedding"])
def test_designed_shifts_are_flagged(shift: str) -> None:
    rng = np.random.default_rng(77)
    profile = base_profile(rng)
    reference = _window(profile, rng, 0)
    shifted = _window(shifted_profile(profile, shift, rng), rng, 1)

    results = DriftDetector(DetectionConfig()).compare(reference, shifted)  # type: ignore[arg-type]

    assert any(r.drifted for r in results)
