"""How model-server failures are classified: the caller's status, retriable or not, breaker-relevant."""

from __future__ import annotations

import pytest

from inference.model_call import EndpointUnavailable, from_status


@pytest.mark.parametrize(
    ("status", "caller_status", "retriable", "unwell"),
    [
        (429, 503, True, True),  # rate limited: back off and retry
        (503, 503, True, True),  # overloaded / unavailable
        (504, 504, True, True),  # the server (or a proxy) timed out
        (500, 502, False, True),  # upstream error: counts against the breaker, not retried
        (502, 502, False, True),
        (422, 400, False, False),  # the request is invalid: retrying cannot help
        (400, 400, False, False),
        (404, 400, False, False),
    ],
)
def test_status_classification(status: int, caller_status: int, retriable: bool, unwell: bool) -> None:
    failure = from_status(status, "detail")
    assert (failure.http_status, failure.retriable, failure.server_unwell) == (
        caller_status,
        retriable,
        unwell,
    )
    assert failure.timed_out is (status == 504)


def test_refused_call_is_not_retried_here_but_names_its_reason() -> None:
    refused = EndpointUnavailable("breaker_open", "http://tgi-0:8080")
    assert (refused.http_status, refused.retriable, refused.reason) == (503, False, "breaker_open")
    assert "http://tgi-0:8080" in str(refused)
