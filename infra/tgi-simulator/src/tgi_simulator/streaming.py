"""Running one job as an SSE stream, whatever the API's event shapes.

Like TGI, a streaming request whose body decoded fine gets a 200 at once; if the job
then fails validation or admission, the failure arrives as an SSE error event
``{"error": ..., "error_type": ...}`` rather than as an HTTP status. Only body decoding
errors (raised before :func:`stream_job` is called) are plain 422 responses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

from aiohttp import web

from tgi_simulator.engine import Engine, Run
from tgi_simulator.errors import TgiError
from tgi_simulator.generation import Token
from tgi_simulator.job import GenerationJob
from tgi_simulator.sse import open_stream


class EventFormat(Protocol):
    """How one API spells its stream events (each method returns whole SSE events)."""

    def token_event(self, run: Run, index: int, token: Token) -> bytes:
        """The event for token ``index`` (from 0) of ``run``; the last one closes it."""

    def error_event(self, error: TgiError) -> bytes:
        """The event reporting a failure."""

    def closing(self) -> bytes:
        """Bytes written after the last event (``data: [DONE]``), or empty."""


async def stream_job(
    request: web.Request,
    engine: Engine,
    build: Callable[[], GenerationJob],
    fmt: EventFormat,
    headers: Mapping[str, str] | None = None,
) -> web.StreamResponse:
    """Answer ``request`` with the events of the job ``build()`` describes.

    Args:
        request: The HTTP request being answered.
        engine: Runs the job.
        build: Validates the decoded body into a job; may raise :class:`TgiError`.
        fmt: The API's event shapes.
        headers: Extra response headers.

    Returns:
        The finished stream response (already sent).
    """
    response = await open_stream(request, headers)
    try:
        await _pump(response, engine, build, fmt)
        if closing := fmt.closing():
            await response.write(closing)
        await response.write_eof()
    except ConnectionError:
        pass  # The client went away; the engine has counted the request as dropped.
    return response


async def _pump(
    response: web.StreamResponse, engine: Engine, build: Callable[[], GenerationJob], fmt: EventFormat
) -> None:
    try:
        job = build()
        async with engine.run(job) as run:
            index = 0
            async for token in run.tokens():
                await response.write(fmt.token_event(run, index, token))
                index += 1
    except TgiError as error:
        engine.metrics.failures.inc(error.error_type)
        await response.write(fmt.error_event(error))
