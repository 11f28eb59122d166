"""``GET /v1/models``: the model aliases this gateway serves."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from gateway.auth import require_scope
from gateway.dependencies import Caller, Runtime
from gateway.errors import error_responses
from gateway.scopes import CHAT, MODELS_READ

router = APIRouter(tags=["models"])


@router.get("/v1/models", responses=error_responses(401, 403))
async def list_models(caller: Caller, runtime: Runtime) -> dict[str, Any]:
    """List model aliases in OpenAI's shape."""
    require_scope(caller, MODELS_READ, CHAT)
    return {
        "object": "list",
        "data": [
            {"id": m, "object": "model", "created": 0, "owned_by": "llmops"} for m in runtime.settings.models
        ],
    }
