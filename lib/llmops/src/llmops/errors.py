"""One error hierarchy for the platform.

Every error a service raises on purpose derives from :class:`LlmopsError`, so callers
can catch the family, and each subclass says what the caller should do with it
(the arroyo convention): dead-letter, retry, back off, or stop. Library errors are
converted at the boundary with ``raise ... from exc``.
"""

from __future__ import annotations


class LlmopsError(Exception):
    """Root of every error the platform raises deliberately."""


class ConfigurationError(LlmopsError):
    """The service cannot start as configured; raised at start-up, never swallowed."""


class DependencyUnavailable(LlmopsError):
    """A server the service needs (Kafka, Redis, Elasticsearch, TGI) cannot be reached.

    Args:
        name: What the dependency is, e.g. ``"kafka"``.
        endpoint: The address that was tried, so the message names it.
        detail: What went wrong.
    """

    def __init__(self, name: str, endpoint: str, detail: str) -> None:
        super().__init__(f"{name} at {endpoint} is not reachable: {detail}")
        self.name = name
        self.endpoint = endpoint
        self.detail = detail


class RetriableError(LlmopsError):
    """A transient failure: back off and try again (timeouts, 429, 503, leader moves)."""


class InvalidMessage(LlmopsError):
    """An input event is malformed or violates its contract: dead-letter it, do not retry.

    Args:
        reason: What is wrong with the event, phrased for the operator who reads the
            dead-letter topic.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MessageRejected(LlmopsError):
    """Back-pressure: the step cannot take more input now; retry the same event later."""


class DeadLetterBudgetExceeded(LlmopsError):
    """Too large a share of the input was invalid: stop rather than dead-letter everything.

    A flood of invalid events usually means a producer bug or a wrong topic, which
    an operator must look at; silently moving the whole stream to the dead-letter
    topic would hide it.
    """


class FatalError(LlmopsError):
    """The service cannot go on (for example a fenced producer); exit and let the supervisor restart."""
