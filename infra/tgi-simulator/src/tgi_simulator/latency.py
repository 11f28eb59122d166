"""The latency model: the cost of one forward pass of a continuously batched GPU.

One forward pass (see :mod:`tgi_simulator.admission`) runs the prefill of the requests
that just joined the batch and one decode step for every running request:

``step = prefill_ms_per_token x joining input tokens
       + decode_ms_per_token + decode_ms_per_batched_request x (batch size - 1)``

Decoding a 7-8B model is memory-bound: at batch 1 each step reads all the weights
(about 16 GB in fp16), and extra sequences add mostly KV-cache reads, so a step gets a
little slower with each request while the batch's total tokens per second grows almost
linearly. The README cites the published figures the defaults come from.

Seen by one request alone (batch 1), output token ``i`` (from 0) is ready at
``prefill + decode x (i + 1)`` after admission; :meth:`LatencyModel.total_s` and
:meth:`LatencyModel.token_ready_s` give these batch-1 figures.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass


@dataclass(frozen=True)
class LatencyModel:
    """Per-token costs of one simulated GPU.

    Attributes:
        prefill_ms_per_token: Cost of processing one prompt token.
        decode_ms_per_token: Duration of a decode step with one sequence in the batch.
        decode_ms_per_batched_request: What each further sequence adds to a decode step.
    """

    prefill_ms_per_token: float
    decode_ms_per_token: float
    decode_ms_per_batched_request: float = 0.0

    def prefill_s(self, input_tokens: int) -> float:
        """Seconds to process the prompt."""
        return self.prefill_ms_per_token * input_tokens / 1000.0

    def decode_step_s(self, batch_size: int) -> float:
        """Seconds of one decode step over ``batch_size`` sequences."""
        extra = self.decode_ms_per_batched_request * max(0, batch_size - 1)
        return (self.decode_ms_per_token + extra) / 1000.0

    def step_s(self, batch_size: int, prefill_tokens: int) -> float:
        """Seconds of one forward pass: the joiners' prefill plus one decode step."""
        return self.prefill_s(prefill_tokens) + self.decode_step_s(batch_size)

    def token_ready_s(self, input_tokens: int, index: int) -> float:
        """Seconds after admission at which output token ``index`` exists, at batch 1."""
        return self.prefill_s(input_tokens) + self.decode_ms_per_token * (index + 1) / 1000.0

    def total_s(self, input_tokens: int, output_tokens: int) -> float:
        """Seconds after admission at which the whole answer exists, at batch 1."""
        if output_tokens == 0:
            return self.prefill_s(input_tokens)
        return self.token_ready_s(input_tokens, output_tokens - 1)


async def sleep_until(deadline: float) -> None:
    """Sleep until the running loop's clock reaches ``deadline`` (no-op if passed).

    Args:
        deadline: A time on ``asyncio.get_running_loop().time()``'s clock.
    """
    delay = deadline - asyncio.get_running_loop().time()
    if delay > 0:
        # asyncio fires timers at most one clock resolution (1 ns on Linux) early.
        await asyncio.sleep(delay)
