"""Completions, asynchronous requests, idempotency, tenancy, scopes and limits through the real app.

Kafka is the in-memory producer of ``conftest.py``; Redis is real, so quotas, results
and idempotency keys are the real scripts' doing.
"""

from __future__ import annotations

import asyncio

import httpx2 as httpx
import pytest
from services.gateway.tests.routes.conftest import FakeProducer

from gateway.policy import TenantPolicy
from gateway.runtime import GatewayRuntime
from llmops.dev_tokens import mint_token
from llmops.events import LlmResponse

CHAT = {"model": "llama-3.1-8b", "messages": [{"role": "user", "content": "Bonjour"}]}
COMPLETION = {"model": "llama-3.1-8b", "prompt": "Once upon a time", "max_tokens": 8}


def bearer(tenant: str, *scopes: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(tenant, scopes=scopes or ('chat',))}"}


def limit(runtime: GatewayRuntime, policy: TenantPolicy) -> None:
    runtime.dispatcher.settings = runtime.settings.model_copy(update={"default_policy": policy})


async def settled(producer: FakeProducer) -> None:
    await asyncio.gather(*producer.replies)


async def test_text_completion_answers_a_text_completion(
    client: httpx.AsyncClient, auth: dict[str, str], producer: FakeProducer, response: LlmResponse
) -> None:
    answer = await client.post("/v1/completions", json=COMPLETION, headers=auth)

    assert answer.status_code == 200
    body = answer.json()
    assert (body["object"], body["choices"][0]["text"]) == ("text_completion", response["text"])
    (sent,) = producer.sent
    assert (sent.request["prompt"], sent.request["messages"]) == ("Once upon a time", [])


async def test_async_request_is_202_then_its_result_is_readable(
    client: httpx.AsyncClient, auth: dict[str, str], producer: FakeProducer, response: LlmResponse
) -> None:
    accepted = await client.post(
        "/v1/requests", json={"url": "/v1/chat/completions", "body": CHAT}, headers=auth
    )

    assert accepted.status_code == 202
    request_id = accepted.json()["id"]
    assert accepted.headers["Location"] == f"/v1/requests/{request_id}"
    await settled(producer)
    status = (await client.get(f"/v1/requests/{request_id}", headers=auth)).json()
    assert status["status"] == "completed"
    assert status["response"]["object"] == "chat.completion"
    assert status["response"]["choices"][0]["message"]["content"] == response["text"]


async def test_pending_request_reads_as_pending(
    client: httpx.AsyncClient, auth: dict[str, str], producer: FakeProducer
) -> None:
    producer.answer = None
    accepted = await client.post(
        "/v1/requests", json={"url": "/v1/completions", "body": COMPLETION}, headers=auth
    )

    status = await client.get(f"/v1/requests/{accepted.json()['id']}", headers=auth)

    assert status.json() == {
        "id": accepted.json()["id"],
        "object": "llmops.request",
        "status": "pending",
        "response": None,
        "error": None,
    }


async def test_another_tenant_cannot_read_a_result(
    client: httpx.AsyncClient, auth: dict[str, str], producer: FakeProducer
) -> None:
    accepted = await client.post(
        "/v1/requests", json={"url": "/v1/chat/completions", "body": CHAT}, headers=auth
    )
    await settled(producer)

    foreign = await client.get(f"/v1/requests/{accepted.json()['id']}", headers=bearer("globex"))
    unknown = await client.get("/v1/requests/no-such-request", headers=auth)

    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json()["error"]["code"] == "request_not_found"


async def test_sync_answer_is_also_retrievable_later(
    client: httpx.AsyncClient, auth: dict[str, str], producer: FakeProducer
) -> None:
    answer = await client.post("/v1/chat/completions", json=CHAT, headers=auth)

    status = await client.get(f"/v1/requests/{answer.headers['X-Request-Id']}", headers=auth)

    assert status.json()["response"]["choices"] == answer.json()["choices"]


@pytest.mark.parametrize("route", ["/v1/chat/completions", "/v1/requests"])
async def test_idempotent_retry_returns_the_first_result_without_a_second_inference(
    client: httpx.AsyncClient, auth: dict[str, str], producer: FakeProducer, route: str
) -> None:
    body = CHAT if route != "/v1/requests" else {"url": "/v1/chat/completions", "body": CHAT}
    headers = {**auth, "Idempotency-Key": "order-4711"}

    first = await client.post(route, json=body, headers=headers)
    await settled(producer)
    retried = await client.post(route, json=body, headers=headers)

    assert len(producer.sent) == 1
    assert first.status_code == retried.status_code
    assert first.json().get("id") == retried.json().get("id")
    other_tenant = await client.post(
        route, json=body, headers={**bearer("globex"), "Idempotency-Key": "order-4711"}
    )
    assert other_tenant.status_code in (200, 202) and len(producer.sent) == 2


async def test_rate_limit_is_429_with_retry_after_in_openai_shape(
    client: httpx.AsyncClient, auth: dict[str, str], producer: FakeProducer, runtime: GatewayRuntime
) -> None:
    limit(runtime, TenantPolicy(requests_per_minute=1))

    assert (await client.post("/v1/chat/completions", json=CHAT, headers=auth)).status_code == 200
    refused = await client.post("/v1/chat/completions", json=CHAT, headers=auth)

    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["error"]["type"] == "rate_limit_error"
    assert len(producer.sent) == 1


async def test_fallback_policy_flags_the_request_for_the_fallback_model(
    client: httpx.AsyncClient, auth: dict[str, str], producer: FakeProducer, runtime: GatewayRuntime
) -> None:
    limit(runtime, TenantPolicy(requests_per_minute=1, over_rate_limit="fallback"))

    await client.post("/v1/chat/completions", json=CHAT, headers=auth)
    second = await client.post("/v1/chat/completions", json=CHAT, headers=auth)

    assert second.status_code == 200
    flags = [(s.request["fallback_requested"], s.request["fallback_reason"]) for s in producer.sent]
    assert flags == [(False, None), (True, "requests_per_minute")]


async def test_token_quota_is_reconciled_with_real_usage(
    client: httpx.AsyncClient, auth: dict[str, str], producer: FakeProducer, runtime: GatewayRuntime
) -> None:
    # Each call reserves 8 + a small prompt bound, but uses 33 tokens (the fixture's usage)...
    limit(runtime, TenantPolicy(tokens_per_day=70))
    statuses = []
    for _ in range(3):
        statuses.append((await client.post("/v1/completions", json=COMPLETION, headers=auth)).status_code)
        await settled(producer)
    # ...so after reconciliation the third no longer fits: 33 + 33 + reservation > 70.
    assert statuses == [200, 200, 429]


@pytest.mark.parametrize(
    ("method", "route", "body"),
    [
        ("POST", "/v1/chat/completions", CHAT),
        ("POST", "/v1/completions", COMPLETION),
        ("POST", "/v1/requests", {"url": "/v1/completions", "body": COMPLETION}),
        ("GET", "/v1/requests/abc", None),
    ],
)
async def test_missing_scope_is_403(
    client: httpx.AsyncClient, producer: FakeProducer, method: str, route: str, body: object
) -> None:
    answer = await client.request(method, route, json=body, headers=bearer("acme", "models:read"))

    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "insufficient_scope"
    assert producer.sent == []


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"url": "/v1/embeddings", "body": CHAT}, "url"),
        ({"url": "/v1/chat/completions", "body": {**CHAT, "stream": True}}, "body.stream"),
        ({"url": "/v1/chat/completions", "body": {**CHAT, "messages": []}}, "messages"),
        ({"url": "/v1/completions", "body": {**COMPLETION, "prompt": ["a", "b"]}}, "prompt"),
    ],
)
async def test_invalid_async_request_is_400_naming_the_field(
    client: httpx.AsyncClient, auth: dict[str, str], producer: FakeProducer, body: object, param: str
) -> None:
    answer = await client.post("/v1/requests", json=body, headers=auth)

    assert answer.status_code == 400
    assert param in (answer.json()["error"]["param"] or "")
    assert producer.sent == []


@pytest.mark.parametrize(
    ("route", "body", "param", "code"),
    [
        ("/v1/chat/completions", {**CHAT, "max_tokens": 5000}, "max_tokens", "token_limit_exceeded"),
        (
            "/v1/chat/completions",
            {**CHAT, "max_completion_tokens": 4097},
            "max_completion_tokens",
            "token_limit_exceeded",
        ),
        ("/v1/completions", {**COMPLETION, "max_tokens": 9999}, "max_tokens", "token_limit_exceeded"),
        (
            "/v1/chat/completions",
            {**CHAT, "messages": [{"role": "user", "content": "word " * 100}]},
            "messages",
            "context_length_exceeded",
        ),
        ("/v1/completions", {**COMPLETION, "prompt": "x" * 400}, "prompt", "context_length_exceeded"),
    ],
)
async def test_token_limits_are_400_naming_the_field(
    client: httpx.AsyncClient,
    producer: FakeProducer,
    runtime: GatewayRuntime,
    route: str,
    body: dict[str, object],
    param: str,
    code: str,
) -> None:
    runtime.settings = runtime.settings.model_copy(update={"max_input_tokens": 50})
    answer = await client.post(route, json=body, headers=bearer("acme"))

    assert answer.status_code == 400, answer.text
    assert (answer.json()["error"]["param"], answer.json()["error"]["code"]) == (param, code)
    assert producer.sent == []


async def test_idempotency_key_with_a_different_body_is_422_and_runs_nothing(
    client: httpx.AsyncClient, auth: dict[str, str], producer: FakeProducer
) -> None:
    headers = {**auth, "Idempotency-Key": "order-4712"}
    await client.post("/v1/chat/completions", json=CHAT, headers=headers)
    other = {**CHAT, "messages": [{"role": "user", "content": "Something else"}]}

    reused = await client.post("/v1/chat/completions", json=other, headers=headers)

    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    assert len(producer.sent) == 1
