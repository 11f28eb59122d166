"""Fixtures of the operator-tool tests: a sample inference and an encoder of records."""

from __future__ import annotations

import functools

import pytest

from audit.sample_events import Inference, sample_inference
from llmops.codec import AvroCodec
from llmops.testing.records import RecordOf, encoded_record


@pytest.fixture
def inference() -> Inference:
    return sample_inference("req-1", 1_795_000_000_000, tenant="acme")


@pytest.fixture
def record_of(codec: AvroCodec) -> RecordOf:
    return functools.partial(encoded_record, codec)
