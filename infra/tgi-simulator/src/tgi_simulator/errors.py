"""TGI's error answers: HTTP status plus ``{"error": ..., "error_type": ...}``.

``huggingface_hub`` maps ``error_type`` to its exception classes (``validation`` ->
``ValidationError``, ``overloaded`` -> ``OverloadedError``), so the values here must stay
TGI's. The ``error_type`` is also the ``err`` label of ``tgi_request_failure``.
"""

from __future__ import annotations

from http import HTTPStatus


class TgiError(Exception):
    """A request failure with the status and body TGI would answer.

    Attributes:
        status: HTTP status code.
        message: The ``error`` text.
        error_type: The ``error_type`` value.
    """

    def __init__(self, status: int, message: str, error_type: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error_type = error_type

    def payload(self) -> dict[str, str]:
        """The JSON body (also the data of an SSE error event)."""
        return {"error": self.message, "error_type": self.error_type}


def invalid_body(detail: str) -> TgiError:
    """The request body is not JSON or does not have the expected fields and types."""
    return TgiError(
        HTTPStatus.UNPROCESSABLE_ENTITY,
        f"Failed to deserialize the JSON body into the target type: {detail}",
        "validation",
    )


def invalid_input(detail: str) -> TgiError:
    """The body is well-formed but a value breaks a limit (TGI's ``ValidationError``)."""
    return TgiError(HTTPStatus.UNPROCESSABLE_ENTITY, f"Input validation error: {detail}", "validation")


def overloaded() -> TgiError:
    """Every generation slot is busy and the wait queue is full."""
    return TgiError(HTTPStatus.TOO_MANY_REQUESTS, "Model is overloaded", "overloaded")
