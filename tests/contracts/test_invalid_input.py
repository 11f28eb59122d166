"""Decoding bad input raises InvalidMessage (dead-letter it), with a reason an operator can act on."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable
from typing import Any

import pytest

from llmops.codec import HEADER_SIZE, MARKER, AvroCodec
from llmops.errors import InvalidMessage, LlmopsError
from llmops.topics import ALL_TOPICS, TopicSpec

Events = dict[tuple[str, str], dict[str, Any]]


def _valid(codec: AvroCodec, events: Events, topic: str = "llm.requests.v1") -> bytes:
    spec = next(t for t in ALL_TOPICS if t.name == topic)
    return codec.encode(spec.schema, events[topic, "non_null"])


BadInput = Callable[[AvroCodec, bytes], bytes]

BAD_INPUTS: list[tuple[str, BadInput, str]] = [
    ("empty", lambda c, good: b"", r"missing C3 01 marker"),
    ("one-byte", lambda c, good: b"\xc3", r"missing C3 01 marker"),
    ("header-short", lambda c, good: good[: HEADER_SIZE - 1], r"missing C3 01 marker"),
    ("no-marker", lambda c, good: good[2:], r"not Avro single-object encoded"),
    ("wrong-marker", lambda c, good: b"\xc3\x00" + good[2:], r"missing C3 01 marker"),
    ("json", lambda c, good: b'{"request_id": "x"}', r"missing C3 01 marker"),
    (
        "unknown-fingerprint",
        lambda c, good: MARKER + b"\x01\x02\x03\x04\x05\x06\x07\x08" + good[HEADER_SIZE:],
        r"unknown writer schema fingerprint 0102030405060708",
    ),
    ("header-only", lambda c, good: good[:HEADER_SIZE], r"corrupt request body"),
    ("truncated-body", lambda c, good: good[:-1], r"^corrupt request body: "),
    ("half-body", lambda c, good: good[: (HEADER_SIZE + len(good)) // 2], r"corrupt request body"),
]


@pytest.mark.parametrize(
    ("bad", "reason"), [(b, r) for _, b, r in BAD_INPUTS], ids=[i for i, _, _ in BAD_INPUTS]
)
def test_bad_input_raises_invalid_message(
    bad: BadInput, reason: str, codec: AvroCodec, events: Events
) -> None:
    with pytest.raises(InvalidMessage, match=reason) as caught:
        codec.decode(bad(codec, _valid(codec, events)), "request")
    assert caught.value.reason == str(caught.value)
    assert isinstance(caught.value, LlmopsError)


@pytest.mark.parametrize("spec", ALL_TOPICS, ids=lambda t: t.name)
def test_every_strict_prefix_of_an_event_is_invalid(
    spec: TopicSpec, codec: AvroCodec, events: Events
) -> None:
    good = codec.encode(spec.schema, events[spec.name, "non_null"])
    for cut in range(len(good)):
        with pytest.raises(InvalidMessage):
            codec.decode(good[:cut], spec.schema)


@pytest.mark.parametrize(
    ("written", "read_as"),
    [
        ("llm.completions.v1", "request"),
        ("llm.requests.v1", "completion"),
        ("llm.drift.v1", "retrain_trigger"),
    ],
)
def test_event_of_another_schema_is_invalid(
    written: str, read_as: str, codec: AvroCodec, events: Events
) -> None:
    spec = next(t for t in ALL_TOPICS if t.name == written)
    with pytest.raises(InvalidMessage, match=rf"expected a {read_as} event, got {spec.schema}\.v[0-9]+"):
        codec.decode(_valid(codec, events, written), read_as)


def test_random_body_after_a_valid_header_is_invalid(codec: AvroCodec, events: Events) -> None:
    rng = random.Random(20251117)
    header = _valid(codec, events)[:HEADER_SIZE]
    for _ in range(300):
        body = rng.randbytes(rng.randint(0, 64))
        with pytest.raises(InvalidMessage, match=r"^corrupt request body: "):
            codec.decode(header + body, "request")


@pytest.mark.parametrize("tail", [b"\x00", b"garbage after the record"], ids=["zero-byte", "text"])
def test_trailing_bytes_after_the_body_are_invalid(tail: bytes, codec: AvroCodec, events: Events) -> None:
    with pytest.raises(InvalidMessage):
        codec.decode(_valid(codec, events) + tail, "request")


def _mutate(rng: random.Random, good: bytes) -> bytes:
    data = bytearray(good)
    for _ in range(rng.randint(1, 4)):
        position = rng.randrange(len(data) + 1)
        operation = rng.choice(("flip", "cut", "insert", "random"))
        if operation == "flip" and position < len(data):
            data[position] ^= 1 << rng.randrange(8)
        elif operation == "cut":
            del data[position:]
        elif operation == "insert":
            data[position:position] = rng.randbytes(rng.randint(1, 9))
        else:
            data = bytearray(rng.randbytes(rng.randint(0, 80)))
    return bytes(data)


def test_seeded_fuzz_raises_only_invalid_message(codec: AvroCodec, events: Events) -> None:
    """Mutated, truncated and random inputs either decode or raise InvalidMessage, nothing else."""
    rng = random.Random(7)
    goods = [
        (t.schema, codec.encode(t.schema, events[t.name, v]))
        for t in ALL_TOPICS
        for v in ("non_null", "null")
    ]
    outcomes = {"decoded": 0, "invalid": 0}
    for _ in range(600):
        schema, good = rng.choice(goods)
        keep_header = rng.random() < 0.8
        data = good[:HEADER_SIZE] + _mutate(rng, good[HEADER_SIZE:]) if keep_header else _mutate(rng, good)
        try:
            decoded = codec.decode(data, schema)
        except InvalidMessage as exc:
            assert exc.reason
            outcomes["invalid"] += 1
        else:
            assert isinstance(decoded, dict)
            outcomes["decoded"] += 1
    assert outcomes["invalid"] > 300, outcomes


def test_hypothesis_decode_raises_only_invalid_message(codec: AvroCodec, events: Events) -> None:
    hypothesis = pytest.importorskip(
        "hypothesis", reason="hypothesis is not a dependency; the seeded fuzz runs instead"
    )
    header = _valid(codec, events)[:HEADER_SIZE]

    def decode(body: bytes, keep_header: bool) -> None:
        with contextlib.suppress(InvalidMessage):
            codec.decode(header + body if keep_header else body, "request")

    strategies = hypothesis.strategies
    check = hypothesis.settings(max_examples=300, deadline=None)(
        hypothesis.given(strategies.binary(max_size=256), strategies.booleans())(decode)
    )
    check()
