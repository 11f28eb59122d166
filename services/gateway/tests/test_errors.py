"""Errors in OpenAI's shape; validation errors as a 400 naming the field at fault."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.testclient import TestClient

from gateway.errors import ApiError, error_response, handle_api_error, handle_validation_error
from gateway.openai_models import ChatCompletionRequest

USER_TURN = [{"role": "user", "content": "Bonjour"}]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = FastAPI()
    app.add_exception_handler(ApiError, handle_api_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)

    @app.post("/v1/chat/completions")
    async def chat(body: ChatCompletionRequest) -> dict[str, str]:
        return {"model": body.model}

    @app.get("/teapot")
    async def teapot() -> None:
        raise ApiError(
            418, "short and stout", "api_error", "teapot", param="spout", headers={"X-Kind": "tea"}
        )

    with TestClient(app) as test_client:
        yield test_client


def test_error_response_shape() -> None:
    response = error_response(ApiError(429, "slow down", "rate_limit_error", "rate_limited", "model"))

    assert response.status_code == 429
    assert response.media_type == "application/json"
    assert orjson.loads(bytes(response.body)) == {
        "error": {
            "message": "slow down",
            "type": "rate_limit_error",
            "param": "model",
            "code": "rate_limited",
        }
    }


def test_api_error_raised_by_a_route_is_rendered_with_its_headers(client: TestClient) -> None:
    response = client.get("/teapot")

    assert response.status_code == 418
    assert response.headers["X-Kind"] == "tea"
    assert response.json() == {
        "error": {"message": "short and stout", "type": "api_error", "param": "spout", "code": "teapot"}
    }


@pytest.mark.parametrize(
    ("status", "headers", "challenge"),
    [
        (401, None, 'Bearer error="invalid_token", error_description="bad"'),
        (401, {"WWW-Authenticate": 'Bearer realm="llmops"'}, 'Bearer realm="llmops"'),
        (403, None, None),
        (503, {"Retry-After": "1"}, None),
    ],
)
def test_only_401_gets_a_default_bearer_challenge(
    status: int, headers: dict[str, str] | None, challenge: str | None
) -> None:
    error = ApiError(status, "no", "invalid_request_error", "bad", headers=headers)

    assert error.headers.get("WWW-Authenticate") == challenge
    assert error_response(error).headers.get("WWW-Authenticate") == challenge


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"messages": USER_TURN}, "model"),
        ({"model": "m", "messages": []}, "messages"),
        ({"model": "m", "messages": [{"role": "robot", "content": "hi"}]}, "messages.0.role"),
        ({"model": "m", "messages": [USER_TURN[0], {"role": "user"}]}, "messages.1.content"),
        ({"model": "m", "messages": USER_TURN, "temperature": 9}, "temperature"),
        ({"model": "m", "messages": USER_TURN, "response_format": {"type": "xml"}}, "response_format.type"),
    ],
)
def test_validation_error_is_a_400_naming_the_field(
    client: TestClient, body: dict[str, Any], param: str
) -> None:
    response = client.post("/v1/chat/completions", json=body)

    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["param"], error["type"], error["code"]) == (
        param,
        "invalid_request_error",
        "invalid_request",
    )
    assert error["message"].startswith(f"{param}: ")


def test_body_of_the_wrong_type_is_a_400_without_param(client: TestClient) -> None:
    response = client.post("/v1/chat/completions", json=["not", "an", "object"])

    assert response.status_code == 400
    assert response.json()["error"]["param"] is None


def test_malformed_json_is_a_400_without_param(client: TestClient) -> None:
    response = client.post(
        "/v1/chat/completions", content=b'{"model": ', headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
    assert response.json()["error"]["param"] is None
