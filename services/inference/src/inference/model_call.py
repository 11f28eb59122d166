"""What one model call yields: a :class:`Generation`, or a :class:`ModelCallFailed` saying why not."""

from __future__ import annotations

from dataclasses import dataclass

from llmops.errors import LlmopsError


@dataclass(frozen=True)
class Generation:
    """Text and token counts of one model call."""

    text: str
    finish_reason: str
    input_tokens: int
    output_tokens: int


class ModelCallFailed(LlmopsError):
    """The model server answered with an error or not at all.

    Args:
        message: What happened.
        http_status: Status the caller should get (502 upstream error, 503 unavailable, 504 timeout).
        retriable: True when a later retry may succeed.
    """

    def __init__(self, message: str, http_status: int, retriable: bool) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.retriable = retriable

    @property
    def timed_out(self) -> bool:
        """True when the server did not answer in time."""
        return self.http_status == 504

    @property
    def server_unwell(self) -> bool:
        """True when the failure says the server is sick (counts against its breaker)."""
        return self.http_status >= 500 or self.retriable


def from_status(status: int, detail: str) -> ModelCallFailed:
    """The failure an HTTP error status of the model server means for the caller.

    Only 429 and 503 (the server is busy) and 504 (it timed out) are retriable; other
    5xx answers are upstream errors (502) that count against the breaker but are not
    retried, and 4xx answers are the caller's invalid request (400).
    """
    if status in (429, 503):
        return ModelCallFailed(f"model server answered {status}: {detail}", 503, True)
    if status == 504:
        return ModelCallFailed(f"model server timed out (504): {detail}", 504, True)
    if 400 <= status < 500:
        return ModelCallFailed(f"model server rejected the request ({status}): {detail}", 400, False)
    return ModelCallFailed(f"model server answered {status}: {detail}", 502, False)


class EndpointUnavailable(ModelCallFailed):
    """The call was not made: the endpoint's breaker is open or its slots are all taken.

    Args:
        reason: ``breaker_open`` or ``saturated`` (also the fallback reason).
        endpoint: The endpoint refused.
    """

    def __init__(self, reason: str, endpoint: str) -> None:
        super().__init__(f"model endpoint {endpoint} unavailable: {reason}", 503, False)
        self.reason = reason
