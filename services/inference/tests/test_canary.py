"""Canary routing: weighted, sticky by request id, within tolerance over 10,000 ids."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest

from inference.canary import pick_version, request_point
from inference.catalog import BackendKind, ModelVersion

IDS = [str(uuid.UUID(int=i * 0x9E3779B97F4A7C15 % 2**128, version=4)) for i in range(10_000)]


def _version(name: str, weight: float, canary: bool = False) -> ModelVersion:
    return ModelVersion(
        alias="m",
        version=name,
        model_id="x",
        revision="r",
        endpoint="http://e",
        backend=BackendKind.TGI,
        weight=weight,
        canary=canary,
        input_price_per_1k=0.0,
        output_price_per_1k=0.0,
        max_input_tokens=10,
        max_output_tokens=10,
        max_in_flight=1,
    )


@pytest.mark.parametrize(
    "weights",
    [(95, 5), (50, 50), (99, 1), (70, 20, 10), (1, 0, 3)],
)
def test_split_matches_the_weights_within_tolerance(weights: tuple[float, ...]) -> None:
    versions = [_version(str(i), w, canary=i > 0) for i, w in enumerate(weights)]

    counts = Counter(pick_version(versions, request_id).version for request_id in IDS)

    total = sum(weights)
    for i, weight in enumerate(weights):
        expected = len(IDS) * weight / total
        # 4 standard deviations of a binomial count: fails by chance about once in 15,000 runs.
        tolerance = 4 * (len(IDS) * (weight / total) * (1 - weight / total)) ** 0.5
        assert abs(counts[str(i)] - expected) <= tolerance, (weights, counts)
    assert counts.get(str(weights.index(0)) if 0 in weights else "none", 0) == 0


def test_routing_is_sticky_per_request_id() -> None:
    versions = [_version("stable", 95), _version("canary", 5, canary=True)]
    first = [pick_version(versions, request_id) for request_id in IDS[:500]]
    again = [pick_version(versions, request_id) for request_id in IDS[:500]]
    assert first == again


def test_growing_the_canary_only_moves_requests_onto_it() -> None:
    small = [_version("stable", 95), _version("canary", 5, canary=True)]
    large = [_version("stable", 80), _version("canary", 20, canary=True)]
    for request_id in IDS[:2000]:
        if pick_version(small, request_id).version == "canary":
            assert pick_version(large, request_id).version == "canary"


def test_request_points_are_in_the_unit_interval() -> None:
    points = [request_point(request_id) for request_id in IDS]
    assert all(0.0 <= p < 1.0 for p in points)
    assert 0.45 < sum(points) / len(points) < 0.55
