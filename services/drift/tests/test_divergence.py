"""Distances and statistics: known values, batch shapes, and the KS critical value."""

from __future__ import annotations

import math

import numpy as np
import pytest

from drift import divergence as d


def test_smoothing_keeps_empty_bins_finite() -> None:
    p = d.smoothed_proportions([10, 0, 0])
    q = d.smoothed_proportions([0, 0, 10])

    assert np.all(p > 0)
    assert math.isfinite(float(d.kl(p, q)))
    assert p.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("test", [d.psi, d.kl, d.jensen_shannon])
def test_identical_distributions_score_zero(test: object) -> None:
    p = d.smoothed_proportions([5, 10, 20, 65])

    assert float(test(p, p)) == pytest.approx(0.0, abs=1e-12)  # type: ignore[operator]


def test_known_values() -> None:
    p, q = np.array([0.5, 0.5]), np.array([0.9, 0.1])

    assert float(d.kl(p, q)) == pytest.approx(0.9 * math.log(1.8) + 0.1 * math.log(0.2))
    assert float(d.psi(p, q)) == pytest.approx(0.4 * math.log(1.8) - 0.4 * math.log(0.2))
    m = np.array([0.7, 0.3])
    expected_js = 0.5 * float(np.sum(p * np.log(p / m))) + 0.5 * float(np.sum(q * np.log(q / m)))
    assert float(d.jensen_shannon(p, q)) == pytest.approx(expected_js)
    assert float(d.jensen_shannon(np.array([1.0, 1e-12]), np.array([1e-12, 1.0]))) <= math.log(2)


def test_batches_score_row_by_row() -> None:
    p = d.smoothed_proportions([30, 30, 40])
    batch = d.smoothed_proportions(np.array([[30, 30, 40], [80, 10, 10]]))

    scores = d.psi(p, batch)

    assert scores.shape == (2,)
    assert scores[0] == pytest.approx(0.0, abs=1e-12)
    assert scores[1] == pytest.approx(float(d.psi(p, batch[1])))


@pytest.mark.parametrize(
    ("reference", "current", "expected"),
    [
        ([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0], 0.0),
        ([1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], 1.0),
        ([1.0, 2.0, 3.0, 4.0], [3.0, 4.0, 5.0, 6.0], 0.5),
        ([1.0, 1.0, 1.0, 2.0], [1.0, 2.0, 2.0, 2.0], 0.5),
    ],
)
def test_ks_statistic(reference: list[float], current: list[float], expected: float) -> None:
    assert d.ks_statistic(np.array(reference), np.array(current)) == pytest.approx(expected)


def test_ks_critical_value_matches_the_textbook_table() -> None:
    # c(0.05) = 1.358 for the two-sample test
    assert d.ks_critical_value(100, 100, 0.05) == pytest.approx(1.358 * math.sqrt(2 / 100), rel=1e-3)


def test_mmd_and_centroid_distance_separate_shifted_clouds() -> None:
    rng = np.random.default_rng(3)
    same = np.vstack([rng.normal(0, 1, (50, 4)), rng.normal(0, 1, (50, 4))])
    shifted = np.vstack([rng.normal(0, 1, (50, 4)), rng.normal(3, 1, (50, 4))])
    membership = np.zeros((100, 1))
    membership[:50] = 1.0
    weights = membership / 50 - (1 - membership) / 50

    assert (
        d.mmd_squared(d.rbf_kernel(shifted), weights)[0] > 5 * d.mmd_squared(d.rbf_kernel(same), weights)[0]
    )
    assert (
        d.centroid_cosine_distance(shifted + 5, membership)[0]
        > d.centroid_cosine_distance(same + 5, membership)[0]
    )
