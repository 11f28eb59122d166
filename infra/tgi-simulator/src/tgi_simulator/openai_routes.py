"""The OpenAI-compatible routes: ``/v1/chat/completions`` and ``/v1/completions``.

They let the platform talk to the simulator as to any OpenAI-compatible server (vLLM,
TGI's Messages API). Errors keep TGI's body shape, as TGI's own ``/v1`` routes do.
"""

from __future__ import annotations

import asyncio
from http import HTTPStatus
from typing import Any

import orjson
from aiohttp import web

from tgi_simulator.body import read_object
from tgi_simulator.engine import Engine, Run
from tgi_simulator.errors import TgiError, invalid_input
from tgi_simulator.job import GenerationJob, validate
from tgi_simulator.openai_events import ChatEvents, CompletionEvents
from tgi_simulator.openai_payloads import chat_completion, completion
from tgi_simulator.openai_request import decode_chat, decode_completion
from tgi_simulator.state import state_of
from tgi_simulator.streaming import stream_job


async def chat_completions(request: web.Request) -> web.StreamResponse:
    """``POST /v1/chat/completions``, streaming or not."""
    state = state_of(request)
    state.metrics.requests.inc()
    sampling, options = decode_chat(await read_object(request))
    if options.stream:
        events = ChatEvents(state.config, options)
        return await stream_job(request, state.engine, lambda: validate(sampling, state.config), events)
    run = await _run_to_end(state.engine, validate(sampling, state.config))
    return _json(chat_completion(state.config, run, options.logprobs))


async def completions(request: web.Request) -> web.StreamResponse:
    """``POST /v1/completions``: one choice per prompt; streaming takes a single prompt."""
    state = state_of(request)
    state.metrics.requests.inc()
    body = await read_object(request)
    if body.get("suffix") is not None:
        message = "Suffix is not supported and can be achieved by preprocessing the prompt."
        raise TgiError(HTTPStatus.UNPROCESSABLE_ENTITY, message, "suffix not supported")
    samplings, options = decode_completion(body)
    limit = state.config.max_client_batch_size
    if len(samplings) > limit:
        message = f"Number of prompts exceeds the maximum allowed batch size of {limit}"
        raise TgiError(HTTPStatus.UNPROCESSABLE_ENTITY, message, "batch size exceeded")
    if options.stream:
        if len(samplings) != 1:
            raise invalid_input("streaming takes exactly one prompt in the simulator")
        events = CompletionEvents(state.config, options)
        return await stream_job(request, state.engine, lambda: validate(samplings[0], state.config), events)
    jobs = [validate(sampling, state.config) for sampling in samplings]
    runs = await asyncio.gather(*(_run_to_end(state.engine, job) for job in jobs))
    return _json(completion(state.config, runs))


async def _run_to_end(engine: Engine, job: GenerationJob) -> Run:
    async with engine.run(job) as run:
        await run.wait()
    return run


def _json(body: dict[str, Any]) -> web.Response:
    return web.Response(body=orjson.dumps(body), content_type="application/json")
