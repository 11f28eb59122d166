"""TGI's native generation routes: ``/generate``, ``/generate_stream`` and ``POST /``.

``POST /`` is what ``huggingface_hub.AsyncInferenceClient(base_url).text_generation``
calls: it streams if the body says ``"stream": true`` and otherwise answers like
``/generate`` but wrapped in a one-element list, as TGI does for api-inference
compatibility.
"""

from __future__ import annotations

from dataclasses import replace

import orjson
from aiohttp import web

from tgi_simulator.body import read_object
from tgi_simulator.job import SamplingRequest
from tgi_simulator.state import SimulatorState, state_of
from tgi_simulator.streaming import stream_job
from tgi_simulator.tgi_payloads import COMPUTE_TYPE, TgiEvents, generate_response, timing_headers
from tgi_simulator.tgi_request import TgiOptions, checked_job, decode_generate


async def generate(request: web.Request) -> web.StreamResponse:
    """``POST /generate``: the whole answer as one JSON object."""
    state = state_of(request)
    state.metrics.requests.inc()
    sampling, options = decode_generate(await read_object(request))
    return await _answer(state, sampling, replace(options, stream=False), as_list=False)


async def generate_stream(request: web.Request) -> web.StreamResponse:
    """``POST /generate_stream``: one SSE event per token."""
    state = state_of(request)
    state.metrics.requests.inc()
    sampling, options = decode_generate(await read_object(request))
    return await _stream(request, state, sampling, replace(options, stream=True))


async def compat_generate(request: web.Request) -> web.StreamResponse:
    """``POST /``: ``/generate`` (as a list) or ``/generate_stream``, by the ``stream`` field."""
    state = state_of(request)
    state.metrics.requests.inc()
    sampling, options = decode_generate(await read_object(request))
    if options.stream:
        return await _stream(request, state, sampling, options)
    return await _answer(state, sampling, options, as_list=True)


async def _answer(
    state: SimulatorState, sampling: SamplingRequest, options: TgiOptions, *, as_list: bool
) -> web.Response:
    job = checked_job(sampling, options, state.config)
    async with state.engine.run(job) as run:
        await run.wait()
    body = generate_response(run, options)
    return web.Response(
        body=orjson.dumps([body] if as_list else body),
        content_type="application/json",
        headers=timing_headers(run, len(sampling.prompt)),
    )


async def _stream(
    request: web.Request, state: SimulatorState, sampling: SamplingRequest, options: TgiOptions
) -> web.StreamResponse:
    headers = {"x-compute-type": COMPUTE_TYPE, "x-compute-characters": str(len(sampling.prompt))}
    return await stream_job(
        request,
        state.engine,
        lambda: checked_job(sampling, options, state.config),
        TgiEvents(options),
        headers,
    )
