"""Time in the platform's unit: UTC epoch milliseconds."""

from __future__ import annotations

import time


def now_ms() -> int:
    """Return the current UTC time in epoch milliseconds (the Avro timestamp-millis unit)."""
    return time.time_ns() // 1_000_000
