"""Headers that mark a dead-letter replay, and the check every consumer makes.

``llmops deadletter replay`` re-produces a dead-lettered event's original bytes to its
source topic with two extra headers:

* ``llmops-replay-of``: ``<dead-letter partition>:<offset>`` of the entry replayed, so a
  second replay of the same entry is detected (and refused) by looking for it;
* ``llmops-replay-for``: the service that dead-lettered the event.

Every other consumer of the source topic already processed the original event (only
one service failed on it), so it skips a replay meant for another service: a replay
reaches exactly the consumer that missed the event, and nobody produces a duplicate.
"""

from __future__ import annotations

from collections.abc import Iterable

REPLAY_OF = "llmops-replay-of"
REPLAY_FOR = "llmops-replay-for"


def replayed_for_another(headers: Iterable[tuple[str, bytes | None]], service: str) -> bool:
    """True when the event is a replay addressed to a service other than ``service``."""
    for name, value in headers:
        if name == REPLAY_FOR and value is not None:
            return value.decode(errors="replace") != service
    return False
