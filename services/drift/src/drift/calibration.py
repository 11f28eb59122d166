"""Thresholds from the null distribution of each statistic, at a family-wise error rate.

A fixed PSI of 0.2 means different things at 100 and at 10,000 events; a threshold
derived from the statistic's distribution *when nothing changed* keeps the false-alarm
rate at the configured level for any window size and any feature. For each test the
null is simulated (multinomial resampling from the pooled frequencies for binned
features, label permutations for embeddings, both vectorised), a gamma distribution is
fitted by moments (the classical approximation of the null of divergence and MMD
statistics, sums of weighted chi-squares), and its upper ``1 - alpha`` quantile is the
threshold. ``alpha`` is the per-test level after Bonferroni correction over all tests
of a window, so a window without drift raises an alarm with probability <= the
configured rate.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from drift.divergence import Array


def gamma_upper_quantile(null: Array, alpha: float) -> float:
    """Upper ``1 - alpha`` quantile of a gamma fitted to ``null`` by moments.

    Uses the Wilson-Hilferty cube-root normal approximation of the chi-square quantile
    (accurate to a few percent even in the far tail). A degenerate null (no variance)
    gives its maximum: nothing above what resampling can produce counts as drift.
    """
    mean, variance = float(np.mean(null)), float(np.var(null, ddof=1))
    if mean <= 0 or variance <= 0:
        return float(np.max(null)) + 1e-12
    dof = 2.0 * mean * mean / variance  # chi-square degrees of freedom of the fitted gamma
    scale = variance / (2.0 * mean)
    z = NormalDist().inv_cdf(1.0 - alpha)
    h = 2.0 / (9.0 * dof)
    chi2 = dof * max(1.0 - h + z * np.sqrt(h), 0.0) ** 3
    return float(max(chi2 * scale, np.max(null) if null.size < 1.0 / alpha else 0.0))


def multinomial_null(
    pooled: Array, n_reference: int, n_current: int, draws: int, rng: np.random.Generator
) -> tuple[Array, Array]:
    """Resampled reference and current counts ``(draws, k)`` from pooled proportions."""
    return (
        rng.multinomial(n_reference, pooled, size=draws).astype(np.float64),
        rng.multinomial(n_current, pooled, size=draws).astype(np.float64),
    )


def permutation_memberships(n_reference: int, n_total: int, draws: int, rng: np.random.Generator) -> Array:
    """``(n_total, draws)`` 0/1 matrices, each a random choice of ``n_reference`` points."""
    order = rng.random((n_total, draws)).argsort(axis=0)
    membership: Array = (order < n_reference).astype(np.float64)
    return membership
