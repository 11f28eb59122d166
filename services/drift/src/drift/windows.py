"""Tumbling windows per model version (and optionally tenant), closed by time.

An event belongs to the window ``[start, start + length)`` holding its ``created_at``
(event time, so a replay builds the same windows). A window closes once the newest
event time seen for its key, or the wall clock (for a stream that went quiet), passes
its end plus a grace period for late events; later events for it are counted and
dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from drift.features import FeatureRow
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
        self.late_events = 0

    def add(self, key: WindowKey, event_time_ms: int, row: FeatureRow) -> list[ClosedWindow]:
        """Add one event; return the windows of ``key`` that this event's time closes."""
        start = event_time_ms - event_time_ms % self.length_ms
        if start + self.length_ms <= self._closed_until.get(key, -1):
            self.late_events += 1
            return []
        builder = self._open.get((key, start))
        if builder is None:
            builder = self._open[(key, start)] = SampleBuilder(self.capacity, self.dimension, seed=start)
        builder.add(row)
        return self._close(lambda k, end: k == key and end + self.grace_ms <= event_time_ms)

    def close_due(self, now_ms: int) -> list[ClosedWindow]:
        """Close every window whose end plus grace is before ``now_ms`` (wall clock)."""
        return self._close(lambda _key, end: end + self.grace_ms <= now_ms)

    def _close(self, due: Callable[[WindowKey, int], bool]) -> list[ClosedWindow]:
        closing = sorted((key, start) for key, start in self._open if due(key, start + self.length_ms))
        closed = []
        for key, start in closing:
            builder = self._open.pop((key, start))
            end = start + self.length_ms
            self._closed_until[key] = max(self._closed_until.get(key, -1), end)
            closed.append(ClosedWindow(key, start, end, builder.build()))
        return closed
