"""The API fuzzed from its own OpenAPI document (schemathesis) against a live replica: no 5xx.

Every operation gets generated valid and invalid requests with a valid token (the
tenant ``fuzz``); the answers must never be a server error, and must be what the
document says (status codes, content types, bodies), so the document stays correct.
(schemathesis' pytest plugin does not run under pytest 9, so each operation's
strategy is driven by hypothesis directly.)
"""

from __future__ import annotations

from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from services.gateway.tests.integration.conftest import Replica

from llmops.dev_tokens import mint_token

pytestmark = pytest.mark.integration

OPERATIONS = [
    ("POST", "/v1/chat/completions"),
    ("POST", "/v1/completions"),
    ("POST", "/v1/requests"),
    ("GET", "/v1/requests/{request_id}"),
    ("GET", "/v1/models"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def document(fuzzed_replica: Replica) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{fuzzed_replica.url}/openapi.json")


def test_every_operation_is_fuzzed(document: schemathesis.BaseSchema) -> None:
    operations = [result.ok() for result in document.get_all_operations() if isinstance(result, Ok)]
    documented = {(op.method.upper(), op.path) for op in operations}
    assert documented == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_no_server_error_and_answers_match_the_document(
    document: schemathesis.BaseSchema, fuzzed_replica: Replica, method: str, path: str
) -> None:
    operation = document[path][method]
    headers = {"Authorization": f"Bearer {mint_token('fuzz', scopes=('chat',))}"}

    @hypothesis.given(case=operation.as_strategy())
    @hypothesis.settings(
        max_examples=30, deadline=None, suppress_health_check=list(hypothesis.HealthCheck), database=None
    )
    def call(case: schemathesis.Case[Any]) -> None:
        case.call_and_validate(base_url=fuzzed_replica.url, headers=headers, checks=CHECKS, timeout=60)

    call()
