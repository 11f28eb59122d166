"""Tumbling windows: assignment by event time, closing, late events, bounded samples."""

from __future__ import annotations

from drift.embedding import HashingEmbedder
from drift.features import FeatureRow, Stream, completion_features
from drift.sample import SampleBuilder
from drift.windows import TumblingWindows, WindowKey

KEY = WindowKey("llama", "1")
OTHER = WindowKey("llama", "2")
EMBEDDER = HashingEmbedder(4)


def _row(tokens: float) -> FeatureRow:
    return completion_features(
        {
            "request": {"prompt": "reset my password"},
            "usage": {"input_tokens": tokens, "output_tokens": 10},
            "timings": {"total_ms": 100.0},
            "finish_reason": "stop",
        },
        EMBEDDER,
    )


def _windows(length_ms: int = 1000, grace_ms: int = 100) -> TumblingWindows:
    return TumblingWindows(length_ms, grace_ms, capacity=1000, dimension=4)


def test_window_closes_when_event_time_passes_end_plus_grace() -> None:
    windows = _windows()
    assert windows.add(KEY, 10, _row(1)) == []
    assert windows.add(KEY, 999, _row(2)) == []
    assert windows.add(KEY, 1050, _row(3)) == []  # inside the grace period

    (closed,) = windows.add(KEY, 1100, _row(4))

    assert (closed.key, closed.start_ms, closed.end_ms) == (KEY, 0, 1000)
    assert closed.sample.events[Stream.COMPLETION] == 2


def test_keys_have_their_own_windows() -> None:
    windows = _windows()
    windows.add(KEY, 10, _row(1))
    windows.add(OTHER, 20, _row(1))

    closed = windows.add(KEY, 5000, _row(1))

    assert [w.key for w in closed] == [KEY]


def test_late_event_is_counted_and_dropped() -> None:
    windows = _windows()
    windows.add(KEY, 10, _row(1))
    windows.add(KEY, 2000, _row(1))

    assert windows.add(KEY, 500, _row(1)) == []
    assert windows.late_events == 1


def test_quiet_streams_close_by_wall_clock() -> None:
    windows = _windows()
    windows.add(KEY, 10, _row(1))
    windows.add(OTHER, 1500, _row(1))

    assert [w.key for w in windows.close_due(now_ms=1200)] == [KEY]
    assert [w.key for w in windows.close_due(now_ms=2200)] == [OTHER]
    assert windows.close_due(now_ms=99_999) == []


def test_sample_is_bounded_but_counts_every_event() -> None:
    builder = SampleBuilder(capacity=50, dimension=4, seed=1)
    for i in range(1000):
        builder.add(_row(float(i)))

    sample = builder.build()

    assert sample.events[Stream.COMPLETION] == 1000
    assert sample.continuous["prompt_tokens"].size == 50
    assert sample.continuous["prompt_tokens"].mean() > 200  # uniform over the stream, not the first 50
