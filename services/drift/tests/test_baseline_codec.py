"""Baseline bytes: lossless round trip, no pickle, clear error on foreign bytes."""

from __future__ import annotations

import io

import numpy as np
import pytest

from drift.baseline_codec import sample_from_bytes, sample_to_bytes
from drift.features import Stream
from drift.sample import FeatureSample
from llmops.errors import InvalidMessage


def test_round_trip() -> None:
    sample = FeatureSample(
        events={Stream.COMPLETION: 7, Stream.RESPONSE: 5},
        continuous={"prompt_tokens": np.array([1.0, 2.5, 9.0])},
        categorical={"prompt_language": {"en": 3, "it": 2}},
        embeddings={"output_embedding": np.eye(3, 4, dtype=np.float32)},
    )

    again = sample_from_bytes(sample_to_bytes(sample))

    assert again.events == sample.events
    assert again.categorical == sample.categorical
    assert np.array_equal(again.continuous["prompt_tokens"], sample.continuous["prompt_tokens"])
    assert np.array_equal(again.embeddings["output_embedding"], sample.embeddings["output_embedding"])


@pytest.mark.parametrize("data", [b"", b"not an archive", b"PK\x03\x04garbage"])
def test_foreign_bytes_are_invalid(data: bytes) -> None:
    with pytest.raises(InvalidMessage):
        sample_from_bytes(data)


def test_archive_of_another_format_is_invalid() -> None:
    buffer = io.BytesIO()
    np.savez(buffer, header=np.frombuffer(b'{"format": "other/1"}', dtype=np.uint8))

    with pytest.raises(InvalidMessage, match="not a drift sample"):
        sample_from_bytes(buffer.getvalue())
