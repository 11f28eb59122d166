"""Weighted, sticky routing between the versions of one alias (canary releases).

A request's version depends only on its ``request_id`` and the weights: the id is
hashed to a point in [0, 1) and the versions own consecutive slices of that interval in
proportion to their weights. Retries and redeliveries of one request therefore always
reach the same version, and moving 5% of traffic to a canary moves exactly the requests
whose point lies in its slice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from inference.catalog import ModelVersion


def request_point(request_id: str) -> float:
    """The request's position in [0, 1), uniform over ids (BLAKE2b, not Python's salted hash)."""
    digest = hashlib.blake2b(request_id.encode(), digest_size=8, person=b"llmops-canary").digest()
    return int.from_bytes(digest, "big") / 2**64


def pick_version(versions: Sequence[ModelVersion], request_id: str) -> ModelVersion:
    """The version serving ``request_id``, by weight.

    Raises:
        ValueError: No version has a positive weight.
    """
    total = sum(v.weight for v in versions)
    if total <= 0:
        raise ValueError("no version has traffic")
    point = request_point(request_id) * total
    for version in versions:
        if point < version.weight:
            return version
        point -= version.weight
    return next(v for v in reversed(versions) if v.weight > 0)  # float rounding at the top end
