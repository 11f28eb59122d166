"""Dead-letter handling: keep the raw event and the reason, cap the invalid share.

An invalid event is produced to ``llm.deadletter.v1`` exactly as it was received
(raw key, value and headers) with its source topic, partition and offset, so an
operator can read the reason and replay it after a fix. The service then goes on,
unless too large a share of recent input was invalid (see :class:`InvalidShareBudget`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from llmops import topics
from llmops.clock import now_ms
from llmops.codec import AvroCodec
from llmops.errors import ConfigurationError, DeadLetterBudgetExceeded, InvalidMessage
from llmops.events import DeadLetter, Header


@dataclass(frozen=True)
class RawEvent:
    """An event as read from Kafka, before decoding."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes | None], ...] = ()
    timestamp_ms: int | None = None


class InvalidShareBudget:
    """Track the share of invalid events over a sliding window and stop when it is too high.

    Args:
        max_share: Largest tolerated invalid share in the window (0..1).
        window: Number of most recent events considered.
        min_events: Events needed before the share is judged, so one bad event at
            start-up does not stop the service.
    """

    def __init__(self, max_share: float = 0.5, window: int = 200, min_events: int = 20) -> None:
        if not 0.0 <= max_share <= 1.0 or window < 1 or not 1 <= min_events <= window:
            raise ConfigurationError(
                f"invalid dead-letter budget: max_share={max_share} must be in [0, 1], "
                f"window={window} >= 1 and 1 <= min_events={min_events} <= window"
            )
        self.max_share = max_share
        self.min_events = min_events
        self._outcomes: deque[bool] = deque(maxlen=window)
        self._invalid = 0

    def record(self, valid: bool) -> None:
        """Record one outcome.

        Raises:
            DeadLetterBudgetExceeded: When the invalid share of the window is over the cap.
        """
        if len(self._outcomes) == self._outcomes.maxlen and not self._outcomes[0]:
            self._invalid -= 1
        self._outcomes.append(valid)
        if not valid:
            self._invalid += 1
        seen = len(self._outcomes)
        if seen >= self.min_events and self._invalid / seen > self.max_share:
            raise DeadLetterBudgetExceeded(
                f"{self._invalid} of the last {seen} events were invalid "
                f"(cap {self.max_share:.0%}): stopping so an operator can look at the producer"
            )


SendDeadLetter = Callable[[bytes | None, bytes], Awaitable[None]]


class DeadLetterQueue:
    """Build dead-letter events and send them through an acknowledged producer.

    Args:
        service: Name recorded on every dead-letter event.
        codec: Codec used to encode the ``dead_letter`` event.
        send: Coroutine producing ``(key, value)`` to ``llm.deadletter.v1`` and returning
            once the broker acknowledged it.
        budget: Cap on the invalid share of input.
    """

    def __init__(
        self, service: str, codec: AvroCodec, send: SendDeadLetter, budget: InvalidShareBudget
    ) -> None:
        self.service = service
        self.codec = codec
        self.send = send
        self.budget = budget

    def record_valid(self) -> None:
        """Count one valid event towards the invalid-share window."""
        self.budget.record(True)

    async def dead_letter(self, raw: RawEvent, error: InvalidMessage) -> DeadLetter:
        """Produce ``raw`` with its reason to the dead-letter topic, then check the budget.

        Raises:
            DeadLetterBudgetExceeded: After the event is safely dead-lettered, when the
                invalid share is over the cap.
        """
        event: DeadLetter = {
            "source_topic": raw.topic,
            "source_partition": raw.partition,
            "source_offset": raw.offset,
            "source_key": raw.key,
            "payload": raw.value or b"",
            "headers": [Header(key=k, value=v) for k, v in raw.headers],
            "error_type": type(error).__name__,
            "error": error.reason,
            "service": self.service,
            "created_at": now_ms(),
        }
        await self.send(raw.key, self.codec.encode(topics.DEADLETTER.schema, event))
        self.budget.record(False)
        return event
