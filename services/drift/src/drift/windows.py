"""Tumbling windows per model version (and optionally tenant), closed by time.

An event belongs to the window ``[start, start + length)`` holding its ``created_at``
(event time, so a replay builds the same windows). Completions and responses arrive on
two topics read independently, and during a catch-up one may run far ahead of the
other, so a window closes by event time only when *both* streams' newest event times
passed its end plus the grace period (or when the leading stream is a whole window
further, so a stalled stream cannot hold windows open forever). A key that went quiet
(no event for the grace period of wall time) closes by the wall clock. Later events of
a closed window are counted and dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from drift.features import FeatureRow, Stream
from drift.sample import FeatureSample, SampleBuilder


@dataclass(frozen=True, order=True)
class WindowKey:
    """What a window (and a baseline) is kept per."""

    model: str
    version: str
    tenant: str | None = None

    def label(self) -> str:
        """``model:version[:tenant]``, used in Redis keys and logs."""
        return f"{self.model}:{self.version}" + (f":{self.tenant}" if self.tenant else "")


@dataclass(frozen=True)
class ClosedWindow:
    """A window whose events are all in."""

    key: WindowKey
    start_ms: int
    end_ms: int
    sample: FeatureSample


class TumblingWindows:
    """Open windows by key and start, each accumulating a bounded sample.

    Args:
        length_ms: Window length.
        grace_ms: How long after its end a window waits for late events.
        capacity: Rows kept per stream per window.
        dimension: Embedding dimension.
    """

    def __init__(self, length_ms: int, grace_ms: int, capacity: int, dimension: int) -> None:
        self.length_ms = length_ms
        self.grace_ms = grace_ms
        self.capacity = capacity
        self.dimension = dimension
        self._open: dict[tuple[WindowKey, int], SampleBuilder] = {}
        self._closed_until: dict[WindowKey, int] = {}
        self._newest: dict[WindowKey, dict[Stream, int]] = {}
        self._arrived: dict[WindowKey, int] = {}
        self.late_events = 0

    def add(
        self, key: WindowKey, event_time_ms: int, row: FeatureRow, arrival_ms: int = 0
    ) -> list[ClosedWindow]:
        """Add one event (``arrival_ms``: wall clock); return the windows of ``key`` it closes."""
        self._arrived[key] = max(self._arrived.get(key, arrival_ms), arrival_ms)
        start = event_time_ms - event_time_ms % self.length_ms
        if start + self.length_ms <= self._closed_until.get(key, -1):
            self.late_events += 1
            return []
        builder = self._open.get((key, start))
        if builder is None:
            builder = self._open[(key, start)] = SampleBuilder(self.capacity, self.dimension, seed=start)
        builder.add(row)
        newest = self._newest.setdefault(key, {})
        newest[row.stream] = max(newest.get(row.stream, event_time_ms), event_time_ms)
        trailing = min(newest.get(s, -1) for s in Stream)
        leading = max(newest.values())
        return self._close(
            lambda k, end: (
                k == key
                and (end + self.grace_ms <= trailing or end + self.grace_ms + self.length_ms <= leading)
            )
        )

    def close_due(self, now_ms: int) -> list[ClosedWindow]:
        """Close windows past end plus grace on the wall clock whose key had no event for the grace period."""
        quiet = max(self.grace_ms, 1000)
        return self._close(
            lambda key, end: end + self.grace_ms <= now_ms and self._arrived.get(key, 0) + quiet <= now_ms
        )

    def _close(self, due: Callable[[WindowKey, int], bool]) -> list[ClosedWindow]:
        closing = sorted((key, start) for key, start in self._open if due(key, start + self.length_ms))
        closed = []
        for key, start in closing:
            builder = self._open.pop((key, start))
            end = start + self.length_ms
            self._closed_until[key] = max(self._closed_until.get(key, -1), end)
            closed.append(ClosedWindow(key, start, end, builder.build()))
        return closed
