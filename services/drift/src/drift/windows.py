"""Tumbling windows per model version (and optionally tenant), closed by event-time watermarks.

An event belongs to the window ``[start, start + length)`` holding its ``created_at``
(event time, so a replay builds the same windows). Kafka orders events only within a
partition, and completions and responses come from two topics read independently, so
during a catch-up one partition may run hours ahead of another. The watermark is
therefore the *minimum* over sources (topic partitions) of the newest event time each
has delivered; a source with no event for ``idle_ms`` of wall time is left out (an idle
partition must not hold every window open). Each key reads a source at its *own* progress
there once it has events on it, so a key replayed from the past (or a producer with a
skewed clock) neither is closed by nor closes the windows of keys at other times on the
same partitions. A window closes when its key's watermark passes its end plus the grace
period, or, for a key that went quiet, when the wall clock does. Later events of a closed
window are counted and dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from drift.features import FeatureRow
from drift.sample import FeatureSample, SampleBuilder

Source = tuple[str, int]
"""Where events come from: (topic, partition)."""


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
        self.idle_ms = max(grace_ms, 1000)
        self._open: dict[tuple[WindowKey, int], SampleBuilder] = {}
        self._closed_until: dict[WindowKey, int] = {}
        self._sources: dict[Source, tuple[int, int]] = {}  # newest event time, last arrival
        self._progress: dict[WindowKey, dict[Source, int]] = {}  # newest event time per key
        self._arrived: dict[WindowKey, int] = {}
        self.late_events = 0

    def add(
        self,
        key: WindowKey,
        event_time_ms: int,
        row: FeatureRow,
        arrival_ms: int = 0,
        source: Source = ("", 0),
    ) -> list[ClosedWindow]:
        """Add one event read from ``source`` at wall time ``arrival_ms``; return the windows it closes."""
        self._arrived[key] = max(self._arrived.get(key, arrival_ms), arrival_ms)
        newest, _ = self._sources.get(source, (event_time_ms, arrival_ms))
        self._sources[source] = (max(newest, event_time_ms), arrival_ms)
        progress = self._progress.setdefault(key, {})
        progress[source] = max(progress.get(source, event_time_ms), event_time_ms)
        start = event_time_ms - event_time_ms % self.length_ms
        if start + self.length_ms <= self._closed_until.get(key, -1):
            self.late_events += 1
            return []
        builder = self._open.get((key, start))
        if builder is None:
            builder = self._open[(key, start)] = SampleBuilder(self.capacity, self.dimension, seed=start)
        builder.add(row)
        watermarks = self._watermarks(arrival_ms)
        return self._close(lambda key, end: end + self.grace_ms <= watermarks[key])

    def watermark(self, now_ms: int, key: WindowKey | None = None) -> int:
        """Minimum event time over the sources active within ``idle_ms`` of ``now_ms``.

        A source counts at ``key``'s own newest event there when ``key`` has one, else at
        the newest event of any key. With no active source, ``key``'s newest event anywhere.
        """
        return self._watermark_of(key, self._active(now_ms))

    def _active(self, now_ms: int) -> list[tuple[Source, int]]:
        """(source, newest event time of any key) of the sources heard from within ``idle_ms``."""
        return [
            (source, newest)
            for source, (newest, arrived) in self._sources.items()
            if arrived + self.idle_ms > now_ms
        ]

    def _watermark_of(self, key: WindowKey | None, active: list[tuple[Source, int]]) -> int:
        progress = self._progress.get(key, {}) if key is not None else {}
        if active:
            return min(progress.get(source, newest) for source, newest in active)
        everywhere = progress.values() if progress else (newest for newest, _ in self._sources.values())
        return max(everywhere, default=-1)

    def close_due(self, now_ms: int) -> list[ClosedWindow]:
        """Close windows the watermark passed, and quiet keys' windows past end plus grace (wall clock)."""
        watermarks = self._watermarks(now_ms)
        return self._close(
            lambda key, end: (
                end + self.grace_ms <= watermarks[key]
                or (end + self.grace_ms <= now_ms and self._arrived.get(key, 0) + self.idle_ms <= now_ms)
            )
        )

    def _watermarks(self, now_ms: int) -> dict[WindowKey, int]:
        """The watermark of every key with an open window (the active sources found once for all)."""
        active = self._active(now_ms)
        return {key: self._watermark_of(key, active) for key in {key for key, _ in self._open}}

    def _close(self, due: Callable[[WindowKey, int], bool]) -> list[ClosedWindow]:
        closing = sorted((key, start) for key, start in self._open if due(key, start + self.length_ms))
        closed = []
        for key, start in closing:
            builder = self._open.pop((key, start))
            end = start + self.length_ms
            self._closed_until[key] = max(self._closed_until.get(key, -1), end)
            closed.append(ClosedWindow(key, start, end, builder.build()))
        return closed
