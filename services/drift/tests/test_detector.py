"""The detector: verdicts per feature and test, minimum sample sizes, configured thresholds."""

from __future__ import annotations

import numpy as np
import pytest

from drift.detector import TEST_COUNT, DetectionConfig, DriftDetector
from drift.features import FEATURES, Kind, Stream
from drift.sample import FeatureSample


def _sample(rng: np.random.Generator, n: int, blocked: float = 0.02, tokens: float = 30.0) -> FeatureSample:
    sample = FeatureSample(events={Stream.COMPLETION: n, Stream.RESPONSE: n})
    for spec in FEATURES:
        if spec.kind is Kind.CONTINUOUS:
            sample.continuous[spec.name] = rng.lognormal(np.log(tokens), 0.4, n)
        elif spec.kind is Kind.CATEGORICAL:
            labels = rng.choice(["allow", "block"], size=n, p=[1 - blocked, blocked])
            sample.categorical[spec.name] = {
                str(k): int(v) for k, v in zip(*np.unique(labels, return_counts=True), strict=True)
            }
        else:
            sample.embeddings[spec.name] = rng.normal(0, 1, (n, 8)).astype(np.float32)
    return sample


def test_every_feature_and_test_is_reported() -> None:
    rng = np.random.default_rng(1)
    results = DriftDetector(DetectionConfig()).compare(_sample(rng, 300), _sample(rng, 300))

    assert len(results) == TEST_COUNT
    assert {(r.feature, r.test) for r in results} >= {("prompt_tokens", "ks"), ("guardrail_action", "psi")}
    assert all(r.drifted is not None for r in results)


def test_category_shift_is_flagged_on_that_feature_only() -> None:
    rng = np.random.default_rng(2)
    reference, current = _sample(rng, 400), _sample(rng, 400)
    current.categorical["guardrail_action"] = {"allow": 340, "block": 60}

    flagged = {r.feature for r in DriftDetector(DetectionConfig()).compare(reference, current) if r.drifted}

    assert flagged == {"guardrail_action"}


def test_too_few_events_get_no_verdict() -> None:
    rng = np.random.default_rng(3)
    results = DriftDetector(DetectionConfig(min_samples=100)).compare(_sample(rng, 500), _sample(rng, 60))

    assert {r.test for r in results} == {"min_samples"}
    assert all(r.drifted is None and r.current_size == 60 and r.threshold == 100 for r in results)


@pytest.mark.parametrize(("threshold", "drifted"), [(1e-9, True), (1e9, False)])
def test_fixed_threshold_replaces_the_calibrated_one(threshold: float, drifted: bool) -> None:
    rng = np.random.default_rng(4)
    config = DetectionConfig(fixed_thresholds={"psi": threshold})

    results = DriftDetector(config).compare(_sample(rng, 300), _sample(rng, 300))

    psi = [r for r in results if r.test == "psi"]
    assert psi and all(r.threshold == threshold and r.drifted is drifted for r in psi)


def test_verdicts_are_reproducible() -> None:
    rng = np.random.default_rng(5)
    reference, current = _sample(rng, 300), _sample(rng, 300, tokens=33.0)
    detector = DriftDetector(DetectionConfig())

    assert detector.compare(reference, current) == detector.compare(reference, current)
