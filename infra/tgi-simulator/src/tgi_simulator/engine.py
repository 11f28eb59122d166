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

from tgi_simulator.admission import Admission, Sequence
from tgi_simulator.config import SimulatorConfig
from tgi_simulator.content import contaminate
from tgi_simulator.faults import Faults
from tgi_simulator.generation import Generation, Token, generate
from tgi_simulator.job import GenerationJob
from tgi_simulator.latency import LatencyModel
from tgi_simulator.metrics import SimulatorMetrics


@dataclass
class Run:
    """One admitted request: its answer and its clock (event-loop times, in seconds).

    Attributes:
        job: What was asked.
        generation: The answer, computed up front and released at the batch's pace.
        arrived: When the request reached the engine.
        sequence: Its place in the continuous batch (tokens produced, admission time).
        finished: When its last token was released (``None`` until then).
    """

    job: GenerationJob
    generation: Generation
    arrived: float
    sequence: Sequence
    finished: float | None = None

    @property
    def admitted(self) -> float:
        """When it joined the batch (its arrival until then)."""
        return self.sequence.admitted if self.sequence.admitted is not None else self.arrived

    async def wait(self) -> Generation:
        """Wait until the batch has produced the whole answer, then return it."""
        await self.sequence.wait_for(len(self.generation.tokens))
        self.finished = asyncio.get_running_loop().time()
        return self.generation

    async def tokens(self) -> AsyncIterator[Token]:
        """Release the tokens one by one, each when its decode step ends."""
        for index, token in enumerate(self.generation.tokens):
            await self.sequence.wait_for(index + 1)
            yield token
        self.finished = asyncio.get_running_loop().time()


class Engine:
    """Runs generation jobs through the continuous batch and records their metrics."""

    def __init__(self, config: SimulatorConfig, metrics: SimulatorMetrics) -> None:
        """Wire the batch scheduler, latency model and fault injection described by ``config``."""
        self.config = config
        self.metrics = metrics
        self.latency = LatencyModel(
            config.prefill_ms_per_token, config.decode_ms_per_token, config.decode_ms_per_batched_request
        )
        self.admission = Admission(
            config.max_concurrent_requests, config.max_queue, config.max_batch_total_tokens, self.latency
        )
        self.faults = Faults()
        metrics.watch(self.admission)

    @asynccontextmanager
    async def run(self, job: GenerationJob) -> AsyncIterator[Run]:
        """Queue ``job`` for the batch and keep it there for the block.

        Success metrics are recorded when the block exits normally; a client that goes
        away mid-answer is counted as ``tgi_request_failure{err="dropped"}`` and leaves
        the batch.

        Raises:
            TgiError: 429 when the wait queue is full; whatever the fault plan injects.
        """
        loop = asyncio.get_running_loop()
        arrived = loop.time()
        await self.faults.before_admission()
        plan = self.faults.plan
        generation = contaminate(
            generate(
                job.prompt,
                max_new_tokens=job.max_new_tokens,
                seed=job.seed,
                stop=job.stop,
                eos_probability=self.config.eos_probability,
            ),
            job.prompt,
            plan.content_mode,
            plan.content_rate,
        )
        sequence = Sequence(job.input_tokens, job.input_tokens + job.max_new_tokens, len(generation.tokens))
        self.admission.submit(sequence)
        run = Run(job, generation, arrived, sequence)
        try:
            yield run
        except (ConnectionError, asyncio.CancelledError):
            self.metrics.failures.inc("dropped")
            raise
        finally:
            self.admission.withdraw(sequence)
        self._record_success(run, loop.time())

    async def close(self) -> None:
        """Stop the batch scheduler."""
        await self.admission.close()

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
