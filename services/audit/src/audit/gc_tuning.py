"""Garbage-collector settings of the audit worker process.

The worker allocates a few hundred containers per record (decoded events, facts, the
sealed record) that reference counting frees at once, while the join table keeps
thousands of long-lived nested dicts. With CPython's defaults (a young collection every
700 net allocations, a full one whenever the long-lived objects grew by a quarter) the
collector walked that table again and again: about 5% of the worker's CPU in a
6,000-record catch-up, measured with ``gc.callbacks``. Freezing what start-up built
(modules, classes, the app) and collecting the young generation less often keeps
cycles collected, but walks the long-lived heap far less.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 50_000
"""Net container allocations between young collections (CPython's default: 700)."""


def tune_for_streaming() -> None:
    """Freeze the objects alive now (ignored by later collections) and collect less often."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
