"""Tumbling windows: assignment by event time, closing on both streams, late events, quiet keys."""

from __future__ import annotations

from drift.embedding import HashingEmbedder
from drift.features import FeatureRow, Stream, completion_features, response_features
from drift.sample import SampleBuilder
from drift.windows import TumblingWindows, WindowKey

KEY = WindowKey("llama", "1")
OTHER = WindowKey("llama", "2")
EMBEDDER = HashingEmbedder(4)


def _completion(tokens: float = 10.0) -> FeatureRow:
    return completion_features(
        {
            "request": {"prompt": "reset my password"},
            "usage": {"input_tokens": tokens, "output_tokens": 10},
            "timings": {"total_ms": 100.0},
            "finish_reason": "stop",
        },
        EMBEDDER,
    )


def _response() -> FeatureRow:
    return response_features({"action": "allow", "text": "done"}, EMBEDDER)


def _windows(length_ms: int = 1000, grace_ms: int = 100) -> TumblingWindows:
    return TumblingWindows(length_ms, grace_ms, capacity=1000, dimension=4)


C0, C1, R0 = ("llm.completions.v1", 0), ("llm.completions.v1", 1), ("llm.responses.v1", 0)


def test_window_closes_when_every_source_passes_end_plus_grace() -> None:
    windows = _windows()
    assert windows.add(KEY, 10, _completion(), source=C0) == []
    assert windows.add(KEY, 20, _response(), source=R0) == []
    assert windows.add(KEY, 999, _completion(), source=C0) == []
    assert windows.add(KEY, 1150, _completion(), source=C0) == []  # responses have not passed the end yet
    assert windows.add(KEY, 1050, _response(), source=R0) == []  # inside the grace period

    (closed,) = windows.add(KEY, 1100, _response(), source=R0)

    assert (closed.key, closed.start_ms, closed.end_ms) == (KEY, 0, 1000)
    assert closed.sample.events == {Stream.COMPLETION: 2, Stream.RESPONSE: 1}  # 1050 is the next window


def test_a_partition_running_ahead_does_not_close_windows_of_the_others() -> None:
    windows = _windows()
    windows.add(KEY, 10, _completion(), source=C0)
    windows.add(KEY, 5000, _completion(), source=C1)  # catch-up: partition 1 is far ahead
    assert windows.add(KEY, 500, _completion(), source=C0) == []

    (closed,) = windows.add(KEY, 1200, _completion(), source=C0)

    assert closed.sample.events[Stream.COMPLETION] == 2
    assert windows.late_events == 0


def test_an_idle_partition_stops_holding_the_watermark() -> None:
    windows = _windows(grace_ms=100)  # idle after max(grace, 1 s)
    windows.add(KEY, 10, _completion(), arrival_ms=0, source=C0)
    windows.add(KEY, 20, _completion(), arrival_ms=0, source=C1)
    assert windows.add(KEY, 1500, _completion(), arrival_ms=500, source=C0) == []

    (closed,) = windows.add(KEY, 1600, _completion(), arrival_ms=1200, source=C0)

    assert closed.start_ms == 0


def test_keys_have_their_own_windows_and_their_own_progress() -> None:
    windows = _windows()
    windows.add(KEY, 10, _completion())
    windows.add(OTHER, 20, _completion())
    windows.add(OTHER, 30, _completion())

    closed = windows.add(KEY, 5000, _completion())
    assert [(w.key.version, w.sample.events[Stream.COMPLETION]) for w in closed] == [("1", 1)]

    (other,) = windows.add(OTHER, 5000, _completion())
    assert (other.key.version, other.sample.events[Stream.COMPLETION]) == ("2", 2)


def test_a_key_replayed_from_the_past_is_neither_closed_by_nor_closes_live_keys() -> None:
    """Live traffic at t=1,000,000 shares partitions with a replay of another version at t=0."""
    windows = _windows(grace_ms=100)
    windows.add(OTHER, 1_000_000, _completion(), arrival_ms=0, source=C0)
    windows.add(OTHER, 1_000_000, _completion(), arrival_ms=0, source=C1)

    for event_time in (10, 20, 30):
        assert windows.add(KEY, event_time, _completion(), arrival_ms=1, source=C0) == []
    assert windows.add(OTHER, 1_000_500, _completion(), arrival_ms=2, source=C1) == []  # same window
    assert windows.late_events == 0

    (replayed,) = windows.add(KEY, 1200, _completion(), arrival_ms=3, source=C0)  # past its end + grace
    assert (replayed.key, replayed.sample.events[Stream.COMPLETION]) == (KEY, 3)


def test_late_event_is_counted_and_dropped() -> None:
    windows = _windows()
    windows.add(KEY, 10, _completion())
    windows.add(KEY, 2000, _completion())

    assert windows.add(KEY, 500, _completion()) == []
    assert windows.late_events == 1


def test_quiet_keys_close_by_wall_clock() -> None:
    windows = _windows(grace_ms=100)
    windows.add(KEY, 10, _completion(), arrival_ms=10, source=C0)
    assert windows.add(OTHER, 1500, _completion(), arrival_ms=500, source=C1) == []

    assert windows.close_due(now_ms=900) == []  # before end + grace, both partitions active
    assert [w.key for w in windows.close_due(now_ms=1200)] == [KEY]  # OTHER's window has not ended
    windows.add(OTHER, 1600, _completion(), arrival_ms=2500, source=C1)
    assert windows.close_due(now_ms=2600) == []  # OTHER is still receiving events
    assert [w.key for w in windows.close_due(now_ms=3600)] == [OTHER]
    assert windows.close_due(now_ms=99_999) == []


def test_sample_is_bounded_but_counts_every_event() -> None:
    builder = SampleBuilder(capacity=50, dimension=4, seed=1)
    for i in range(1000):
        builder.add(_completion(float(i)))

    sample = builder.build()

    assert sample.events[Stream.COMPLETION] == 1000
    assert sample.continuous["prompt_tokens"].size == 50
    assert sample.continuous["prompt_tokens"].mean() > 200  # uniform over the stream, not the first 50
