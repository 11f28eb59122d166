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


def test_window_closes_when_both_streams_pass_end_plus_grace() -> None:
    windows = _windows()
    assert windows.add(KEY, 10, _completion()) == []
    assert windows.add(KEY, 20, _response()) == []
    assert windows.add(KEY, 999, _completion()) == []
    assert windows.add(KEY, 1150, _completion()) == []  # responses have not passed the end yet
    assert windows.add(KEY, 1050, _response()) == []  # inside the grace period

    (closed,) = windows.add(KEY, 1100, _response())

    assert (closed.key, closed.start_ms, closed.end_ms) == (KEY, 0, 1000)
    assert closed.sample.events == {Stream.COMPLETION: 2, Stream.RESPONSE: 1}  # 1050 is the next window


def test_a_lagging_stream_keeps_the_window_open_until_the_leader_is_a_window_ahead() -> None:
    windows = _windows()
    windows.add(KEY, 10, _completion())
    windows.add(KEY, 15, _response())
    assert windows.add(KEY, 1500, _completion()) == []
    windows.add(KEY, 500, _response())  # the lagging stream still lands in its window

    (closed,) = windows.add(KEY, 2100, _completion())

    assert closed.start_ms == 0
    assert closed.sample.events[Stream.RESPONSE] == 2


def test_keys_have_their_own_windows() -> None:
    windows = _windows()
    windows.add(KEY, 10, _completion())
    windows.add(OTHER, 20, _completion())
    windows.add(OTHER, 30, _response())

    closed = windows.add(KEY, 5000, _response()) + windows.add(KEY, 5000, _completion())

    assert [(w.key, w.start_ms) for w in closed] == [(KEY, 0)]


def test_late_event_is_counted_and_dropped() -> None:
    windows = _windows()
    windows.add(KEY, 10, _completion())
    windows.add(KEY, 2000, _response())
    windows.add(KEY, 2000, _completion())

    assert windows.add(KEY, 500, _response()) == []
    assert windows.late_events == 1


def test_quiet_keys_close_by_wall_clock() -> None:
    windows = _windows(grace_ms=100)
    windows.add(KEY, 10, _completion(), arrival_ms=10)
    windows.add(OTHER, 1500, _completion(), arrival_ms=1500)

    assert windows.close_due(now_ms=1050) == []  # before end + grace
    assert [w.key for w in windows.close_due(now_ms=1200)] == [KEY]  # OTHER's window has not ended
    windows.add(OTHER, 1600, _completion(), arrival_ms=2500)
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
