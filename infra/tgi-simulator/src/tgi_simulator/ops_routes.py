"""Operational routes: ``/info``, ``/health``, ``/metrics`` and ``/v1/models``."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from tgi_simulator.config import SimulatorConfig
from tgi_simulator.openai_payloads import DOCKER_LABEL
from tgi_simulator.state import state_of


def info_json(config: SimulatorConfig) -> dict[str, Any]:
    """TGI's ``/info`` body.

    The fields of TGI 3 (``max_input_tokens``, ``max_client_batch_size``, ``router``...)
    plus the batching fields of TGI 2 (``max_batch_total_tokens``, ``waiting_served_ratio``...)
    that capacity planning reads. ``model_sha`` is a stable fake derived from the model id.
    """
    return {
        "model_id": config.model_id,
        "model_sha": hashlib.sha1(config.model_id.encode(), usedforsecurity=False).hexdigest(),
        "model_dtype": "torch.float16",
        "model_device_type": "cuda",
        "model_pipeline_tag": "text-generation",
        "max_concurrent_requests": config.max_concurrent_requests,
        "max_best_of": 1,
        "max_stop_sequences": config.max_stop_sequences,
        "max_input_tokens": config.max_input_tokens,
        "max_total_tokens": config.max_total_tokens,
        "waiting_served_ratio": 0.3,
        "max_batch_total_tokens": config.max_batch_total_tokens,
        "max_waiting_tokens": 20,
        "max_batch_size": None,
        "validation_workers": 2,
        "max_client_batch_size": config.max_client_batch_size,
        "router": "text-generation-router",
        "version": config.version,
        "sha": None,
        "docker_label": DOCKER_LABEL,
    }


async def info(request: web.Request) -> web.Response:
    """``GET /info``."""
    return web.Response(
        body=orjson.dumps(info_json(state_of(request).config)), content_type="application/json"
    )


async def health(_request: web.Request) -> web.Response:
    """``GET /health``: 200 with an empty body while the server is up, as TGI."""
    return web.Response(status=200)


async def metrics(request: web.Request) -> web.Response:
    """``GET /metrics``: Prometheus text exposition."""
    body = state_of(request).metrics.render()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


async def models(request: web.Request) -> web.Response:
    """``GET /v1/models``: the one served model, OpenAI style."""
    model_id = state_of(request).config.model_id
    body = {
        "object": "list",
        "data": [{"id": model_id, "object": "model", "created": 0, "owned_by": model_id}],
    }
    return web.Response(body=orjson.dumps(body), content_type="application/json")
