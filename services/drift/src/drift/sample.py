"""A bounded sample of feature rows: what a window accumulates and what a baseline stores.

Rows are kept per stream in a reservoir (algorithm R), so a busy window costs bounded
memory and still yields a uniform sample of its events; ``events`` counts every row
seen. The same class, frozen into arrays, is the reference baseline.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from drift.features import FEATURES, FeatureRow, Kind, Stream

FloatArray = npt.NDArray[np.float64]
Matrix = npt.NDArray[np.float32]


@dataclass
class FeatureSample:
    """Features of one window (or baseline), as arrays per feature.

    Attributes:
        events: Events seen per stream (may exceed the rows kept).
        continuous: Values per continuous feature.
        categorical: Counts per category per categorical feature.
        embeddings: ``(n, d)`` vectors per embedding feature.
    """

    events: dict[Stream, int] = field(default_factory=dict)
    continuous: dict[str, FloatArray] = field(default_factory=dict)
    categorical: dict[str, dict[str, int]] = field(default_factory=dict)
    embeddings: dict[str, Matrix] = field(default_factory=dict)

    def size(self, feature: str) -> int:
        """Rows available for ``feature``."""
        if feature in self.continuous:
            return int(self.continuous[feature].size)
        if feature in self.categorical:
            return sum(self.categorical[feature].values())
        if feature in self.embeddings:
            return int(self.embeddings[feature].shape[0])
        return 0


class SampleBuilder:
    """Accumulates rows of both streams into a bounded, uniform sample.

    Args:
        capacity: Rows kept per stream.
        dimension: Embedding dimension (for empty windows).
        seed: Seeds the reservoir (reproducible tests and evaluation).
    """

    def __init__(self, capacity: int, dimension: int, seed: int = 0) -> None:
        self.capacity = capacity
        self.dimension = dimension
        self._random = random.Random(seed)
        self._rows: dict[Stream, list[FeatureRow]] = {Stream.COMPLETION: [], Stream.RESPONSE: []}
        self._seen: dict[Stream, int] = {Stream.COMPLETION: 0, Stream.RESPONSE: 0}

    def add(self, row: FeatureRow) -> None:
        """Add one event's features (reservoir sampling beyond ``capacity``)."""
        rows, seen = self._rows[row.stream], self._seen[row.stream]
        self._seen[row.stream] = seen + 1
        if len(rows) < self.capacity:
            rows.append(row)
            return
        slot = self._random.randrange(seen + 1)
        if slot < self.capacity:
            rows[slot] = row

    def build(self) -> FeatureSample:
        """Freeze the rows into arrays per feature."""
        sample = FeatureSample(events=dict(self._seen))
        for spec in FEATURES:
            values = [row.values[spec.name] for row in self._rows[spec.stream]]
            if spec.kind is Kind.CONTINUOUS:
                sample.continuous[spec.name] = np.asarray(values, dtype=np.float64)
            elif spec.kind is Kind.CATEGORICAL:
                sample.categorical[spec.name] = dict(Counter(str(v) for v in values))
            elif values:
                sample.embeddings[spec.name] = np.vstack(values).astype(np.float32)
            else:
                sample.embeddings[spec.name] = np.zeros((0, self.dimension), dtype=np.float32)
        return sample
