"""One window against its baseline: every test on every feature, with calibrated thresholds.

Continuous features get KS on their values and PSI/KL/JS on ten reference-quantile
bins; categorical features PSI/KL/JS on category frequencies; embeddings the centroid
cosine distance and MMD (RBF kernel, median bandwidth). Each threshold comes from the
statistic's simulated null at ``alpha / number_of_tests`` (see :mod:`drift.calibration`)
unless a fixed threshold is configured for that test. A feature with fewer rows than
``min_samples`` on either side gets no verdict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from drift import calibration, divergence
from drift.features import FEATURES, FeatureSpec, Kind
from drift.sample import FeatureSample

TESTS_BY_KIND = {
    Kind.CONTINUOUS: ("ks", "psi", "kl", "js"),
    Kind.CATEGORICAL: ("psi", "kl", "js"),
    Kind.EMBEDDING: ("centroid_cosine", "mmd"),
}
TEST_COUNT = sum(len(TESTS_BY_KIND[spec.kind]) for spec in FEATURES)


@dataclass(frozen=True)
class DetectionConfig:
    """How tests decide.

    Attributes:
        false_alarm_rate: Family-wise false-alarm probability per window (Bonferroni-split).
        min_samples: Rows needed on both sides for a verdict on a feature.
        null_draws: Resamples/permutations simulating each statistic's null.
        bins: Quantile bins of continuous features.
        max_embedding_rows: Rows per side used by the embedding tests (cost is quadratic).
        fixed_thresholds: Test name -> threshold overriding the calibrated one.
        seed: Seeds the resampling (reproducible verdicts).
        features: Names of the features to test (all by default).
    """

    false_alarm_rate: float = 0.05
    min_samples: int = 100
    null_draws: int = 200
    bins: int = 10
    max_embedding_rows: int = 300
    fixed_thresholds: Mapping[str, float] = field(default_factory=dict)
    seed: int = 0
    features: tuple[str, ...] | None = None

    @property
    def specs(self) -> tuple[FeatureSpec, ...]:
        """The features tested, in registry order."""
        return tuple(s for s in FEATURES if self.features is None or s.name in self.features)

    @property
    def test_alpha(self) -> float:
        """Level of each single test: the family-wise rate split over every test (Bonferroni)."""
        return self.false_alarm_rate / sum(len(TESTS_BY_KIND[spec.kind]) for spec in self.specs)


@dataclass(frozen=True)
class TestResult:
    """Outcome of one test on one feature; ``drifted`` is None when data was too scarce."""

    __test__ = False  # not a pytest class, despite the name

    feature: str
    test: str
    score: float
    threshold: float
    drifted: bool | None
    reference_size: int
    current_size: int


class DriftDetector:
    """Runs every test of every feature of a window against a baseline sample."""

    def __init__(self, config: DetectionConfig) -> None:
        self.config = config

    def compare(self, reference: FeatureSample, current: FeatureSample) -> list[TestResult]:
        """All test results for ``current`` against ``reference``, in feature order."""
        rng = np.random.default_rng(self.config.seed)
        results: list[TestResult] = []
        for spec in self.config.specs:
            n_ref, n_cur = reference.size(spec.name), current.size(spec.name)
            if min(n_ref, n_cur) < self.config.min_samples:
                results.append(
                    TestResult(
                        spec.name,
                        "min_samples",
                        float(n_cur),
                        float(self.config.min_samples),
                        None,
                        n_ref,
                        n_cur,
                    )
                )
                continue
            if spec.kind is Kind.CONTINUOUS:
                scores = self._continuous(reference.continuous[spec.name], current.continuous[spec.name], rng)
            elif spec.kind is Kind.CATEGORICAL:
                scores = self._categorical(
                    reference.categorical[spec.name], current.categorical[spec.name], rng
                )
            else:
                scores = self._embedding(reference.embeddings[spec.name], current.embeddings[spec.name], rng)
            for test, (score, calibrated) in scores.items():
                threshold = self.config.fixed_thresholds.get(test, calibrated)
                results.append(TestResult(spec.name, test, score, threshold, score > threshold, n_ref, n_cur))
        return results

    def _continuous(
        self, ref: divergence.Array, cur: divergence.Array, rng: np.random.Generator
    ) -> dict[str, tuple[float, float]]:
        ks = divergence.ks_statistic(ref, cur)
        scores = {"ks": (ks, divergence.ks_critical_value(ref.size, cur.size, self.config.test_alpha))}
        edges = np.unique(np.quantile(ref, np.linspace(0, 1, self.config.bins + 1)[1:-1]))
        ref_counts = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=edges.size + 1).astype(
            float
        )
        cur_counts = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=edges.size + 1).astype(
            float
        )
        return scores | self._binned(ref_counts, cur_counts, rng)

    def _categorical(
        self, ref: Mapping[str, int], cur: Mapping[str, int], rng: np.random.Generator
    ) -> dict[str, tuple[float, float]]:
        categories = sorted(set(ref) | set(cur))
        ref_counts = np.array([ref.get(c, 0) for c in categories], dtype=np.float64)
        cur_counts = np.array([cur.get(c, 0) for c in categories], dtype=np.float64)
        return self._binned(ref_counts, cur_counts, rng)

    def _binned(
        self, ref_counts: divergence.Array, cur_counts: divergence.Array, rng: np.random.Generator
    ) -> dict[str, tuple[float, float]]:
        n_ref, n_cur = int(ref_counts.sum()), int(cur_counts.sum())
        pooled = (ref_counts + cur_counts) / (n_ref + n_cur)
        null_ref, null_cur = calibration.multinomial_null(pooled, n_ref, n_cur, self.config.null_draws, rng)
        p, q = divergence.smoothed_proportions(ref_counts), divergence.smoothed_proportions(cur_counts)
        null_p, null_q = divergence.smoothed_proportions(null_ref), divergence.smoothed_proportions(null_cur)
        return {
            name: (
                float(test(p, q)),
                calibration.gamma_upper_quantile(test(null_p, null_q), self.config.test_alpha),
            )
            for name, test in divergence.BINNED_TESTS.items()
        }

    def _embedding(
        self,
        ref: np.ndarray[Any, Any],
        cur: np.ndarray[Any, Any],
        rng: np.random.Generator,
    ) -> dict[str, tuple[float, float]]:
        limit = self.config.max_embedding_rows
        ref = ref[rng.permutation(ref.shape[0])[:limit]]
        cur = cur[rng.permutation(cur.shape[0])[:limit]]
        points, n_ref = np.vstack([ref, cur]), ref.shape[0]
        observed = np.zeros((points.shape[0], 1))
        observed[:n_ref] = 1.0
        null = calibration.permutation_memberships(n_ref, points.shape[0], self.config.null_draws, rng)
        memberships = np.hstack([observed, null])
        n_cur = points.shape[0] - n_ref
        weights = memberships / n_ref - (1.0 - memberships) / n_cur
        mmd = divergence.mmd_squared(divergence.rbf_kernel(points), weights)
        cosine = divergence.centroid_cosine_distance(points, memberships)
        alpha = self.config.test_alpha
        return {
            "centroid_cosine": (float(cosine[0]), calibration.gamma_upper_quantile(cosine[1:], alpha)),
            "mmd": (float(mmd[0]), calibration.gamma_upper_quantile(mmd[1:], alpha)),
        }
