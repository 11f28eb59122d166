"""GatewayMiddleware on a tiny app: 413 and 415 before the app runs, metrics for what passes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from prometheus_client import REGISTRY
from pydantic import BaseModel
from starlette.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from gateway.errors import ApiError, handle_api_error, handle_validation_error
from gateway.middleware import GatewayMiddleware

LIMIT = 64


class Echo(BaseModel):
    text: str


def _tiny_app(calls: list[str]) -> FastAPI:
    app = FastAPI()
    app.add_exception_handler(ApiError, handle_api_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)

    @app.post("/echo")
    async def echo(body: Echo) -> dict[str, str]:
        calls.append("echo")
        return {"text": body.text}

    @app.post("/raw")
    async def raw(request: Request) -> dict[str, int]:
        calls.append("raw")
        return {"size": len(await request.body())}

    @app.get("/items/{item_id}")
    async def item(item_id: int, request: Request) -> dict[str, int]:
        calls.append("item")
        request.state.tenant = "acme-mw"
        return {"id": item_id}

    app.add_middleware(GatewayMiddleware, max_body_bytes=LIMIT)
    return app


@pytest.fixture
def calls() -> list[str]:
    return []


@pytest.fixture
def client(calls: list[str]) -> Iterator[TestClient]:
    with TestClient(_tiny_app(calls), raise_server_exceptions=False) as test_client:
        yield test_client


def _sample(name: str, labels: dict[str, str]) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_too_large_content_length_is_413_before_the_app_runs(client: TestClient, calls: list[str]) -> None:
    response = client.post("/echo", content=b'{"text": "' + b"x" * LIMIT + b'"}', headers=_json())

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"
    assert response.json()["error"]["type"] == "invalid_request_error"
    assert calls == []


def test_body_of_exactly_the_limit_passes(client: TestClient, calls: list[str]) -> None:
    body = b'{"text": "' + b"x" * (LIMIT - 12) + b'"}'
    assert len(body) == LIMIT

    response = client.post("/echo", content=body, headers=_json())

    assert response.status_code == 200
    assert calls == ["echo"]


def test_streamed_body_past_the_limit_is_413_for_a_raw_reader(client: TestClient, calls: list[str]) -> None:
    response = client.post("/raw", content=_chunked(b"x" * (LIMIT + 1)), headers=_json())

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


def test_streamed_body_past_the_limit_is_413_for_a_model_body(client: TestClient) -> None:
    response = client.post("/echo", content=_chunked(b'{"text": "' + b"x" * LIMIT + b'"}'), headers=_json())

    assert response.status_code == 413


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"content-type": "text/plain"}, id="text-plain"),
        pytest.param({"content-type": "application/x-www-form-urlencoded"}, id="form"),
        pytest.param({"content-type": "application/jsonp"}, id="json-look-alike"),
        pytest.param({}, id="no-content-type"),
    ],
)
def test_non_json_post_is_415(client: TestClient, calls: list[str], headers: dict[str, str]) -> None:
    response = client.post("/echo", content=b'{"text": "hi"}', headers=headers)

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
    assert calls == []


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", "Application/JSON"]
)
def test_json_post_passes(client: TestClient, calls: list[str], content_type: str) -> None:
    response = client.post("/echo", content=b'{"text": "hi"}', headers={"content-type": content_type})

    assert response.status_code == 200
    assert response.json() == {"text": "hi"}


def test_get_is_not_checked_for_type_or_size(client: TestClient, calls: list[str]) -> None:
    response = client.get(
        "/items/7", headers={"content-type": "text/plain", "content-length": str(LIMIT * 10)}
    )

    assert response.status_code == 200
    assert calls == ["item"]


def test_requests_are_counted_by_route_status_and_tenant(client: TestClient) -> None:
    series = {
        "served": {"route": "/items/{item_id}", "status": "200", "tenant": "acme-mw"},
        "invalid": {"route": "/items/{item_id}", "status": "400", "tenant": "-"},
        "unmatched": {"route": "unmatched", "status": "404", "tenant": "-"},
    }
    before = {name: _sample("llmops_gateway_requests_total", labels) for name, labels in series.items()}
    latency = ("llmops_gateway_request_duration_seconds_count", {"route": "/items/{item_id}"})
    latency_before = _sample(*latency)

    client.get("/items/1")
    client.get("/items/2")
    client.get("/items/not-a-number")
    client.get("/nowhere")

    after = {name: _sample("llmops_gateway_requests_total", labels) for name, labels in series.items()}
    assert {name: after[name] - before[name] for name in series} == {
        "served": 2.0,
        "invalid": 1.0,
        "unmatched": 1.0,
    }
    assert _sample(*latency) - latency_before == 3.0
    assert _sample("llmops_gateway_in_flight_requests", {}) == 0.0


async def test_non_http_scopes_pass_straight_through() -> None:
    seen: list[str] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    async def receive() -> Message:
        return {"type": "lifespan.startup"}

    async def send(message: Message) -> None:
        return None

    await GatewayMiddleware(inner, max_body_bytes=1)({"type": "lifespan"}, receive, send)

    assert seen == ["lifespan"]


def _json() -> dict[str, str]:
    return {"content-type": "application/json"}


def _chunked(body: bytes) -> Iterator[bytes]:
    """A body sent without Content-Length (chunked transfer encoding), in two pieces."""
    middle = len(body) // 2
    yield body[:middle]
    yield body[middle:]
