"""``GET /v1/models``: the configured aliases, for authenticated callers only."""

from __future__ import annotations

import httpx2 as httpx


async def test_lists_the_configured_aliases(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await client.get("/v1/models", headers=auth)

    assert response.status_code == 200
    assert response.json() == {
        "object": "list",
        "data": [
            {"id": "llama-3.1-8b", "object": "model", "created": 0, "owned_by": "llmops"},
            {"id": "tiny-1b", "object": "model", "created": 0, "owned_by": "llmops"},
        ],
    }


async def test_requires_a_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/models")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")
    assert response.json()["error"]["code"] == "missing_token"
