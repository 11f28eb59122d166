"""The simulated inference engine: admission, generation, pacing and metrics.

Routes turn their bodies into a :class:`GenerationJob` and run it with
``async with engine.run(job) as run:``; inside the block they either
``await run.wait()`` for the whole answer or iterate ``run.tokens()`` to stream it.
Everything an HTTP API does not decide (how long, how many at once, what text) lives
here or in the modules it wires together, so a batching scheduler or fault injection
can change it without touching the routes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from tgi_simulator.admission import Admission
from tgi_simulator.config import SimulatorConfig
from tgi_simulator.generation import Generation, Token, generate
from tgi_simulator.job import GenerationJob
from tgi_simulator.latency import LatencyModel, sleep_until
from tgi_simulator.metrics import SimulatorMetrics


@dataclass
class Run:
    """One admitted request: its answer and its clock (event-loop times, in seconds).

    Attributes:
        job: What was asked.
        generation: The answer, computed up front and released at the model's pace.
        arrived: When the request reached the engine.
        admitted: When it got a generation slot.
        latency: The cost model pacing it.
        finished: When its last token was released (``None`` until then).
    """

    job: GenerationJob
    generation: Generation
    arrived: float
    admitted: float
    latency: LatencyModel
    finished: float | None = None

    async def wait(self) -> Generation:
        """Sleep until the whole answer would exist, then return it."""
        output_tokens = len(self.generation.tokens)
        await sleep_until(self.admitted + self.latency.total_s(self.job.input_tokens, output_tokens))
        self.finished = asyncio.get_running_loop().time()
        return self.generation

    async def tokens(self) -> AsyncIterator[Token]:
        """Release the tokens one by one, each when its decode step would end."""
        for index, token in enumerate(self.generation.tokens):
            await sleep_until(self.admitted + self.latency.token_ready_s(self.job.input_tokens, index))
            yield token
        self.finished = asyncio.get_running_loop().time()


class Engine:
    """Runs generation jobs within the configured limits and records their metrics."""

    def __init__(self, config: SimulatorConfig, metrics: SimulatorMetrics) -> None:
        """Wire the admission control and latency model described by ``config``."""
        self.config = config
        self.metrics = metrics
        self.admission = Admission(config.max_concurrent_requests, config.max_queue)
        self.latency = LatencyModel(config.prefill_ms_per_token, config.decode_ms_per_token)
        metrics.watch(self.admission)

    @asynccontextmanager
    async def run(self, job: GenerationJob) -> AsyncIterator[Run]:
        """Admit ``job`` (waiting for a slot if needed) and hold its slot in the block.

        Success metrics are recorded when the block exits normally; a client that goes
        away mid-answer is counted as ``tgi_request_failure{err="dropped"}``.

        Raises:
            TgiError: 429 when the wait queue is full.
        """
        loop = asyncio.get_running_loop()
        arrived = loop.time()
        async with self.admission.slot(job.input_tokens + job.max_new_tokens):
            generation = generate(
                job.prompt,
                max_new_tokens=job.max_new_tokens,
                seed=job.seed,
                stop=job.stop,
                eos_probability=self.config.eos_probability,
            )
            run = Run(job, generation, arrived, loop.time(), self.latency)
            try:
                yield run
            except (ConnectionError, asyncio.CancelledError):
                self.metrics.failures.inc("dropped")
                raise
        self._record_success(run, loop.time())

    def _record_success(self, run: Run, now: float) -> None:
        finished = run.finished if run.finished is not None else now
        generated = len(run.generation.tokens)
        m = self.metrics
        m.successes.inc()
        m.duration.observe(finished - run.arrived)
        m.queue_duration.observe(run.admitted - run.arrived)
        m.inference_duration.observe(finished - run.admitted)
        m.time_per_token.observe((finished - run.admitted) / generated)
        m.input_length.observe(run.job.input_tokens)
        m.generated_tokens.observe(generated)
        m.max_new_tokens.observe(run.job.max_new_tokens)
