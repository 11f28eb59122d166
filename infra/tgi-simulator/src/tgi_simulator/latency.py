"""The latency model: how long a request takes once it holds a generation slot.

Total time = queue wait + ``prefill_ms_per_token`` x input tokens +
``decode_ms_per_token`` x output tokens. The queue wait is real (see
:mod:`tgi_simulator.admission`); this module only computes the compute part and sleeps
until its deadlines. Output token ``i`` (from 0) is ready at
``prefill + decode x (i + 1)`` after admission, so streaming clients see the first
token after the prefill plus one decode step, then one token per decode step.

Deadlines are absolute (event-loop clock), so sleeping per token does not accumulate
timer slack: a request never finishes earlier than the model says, and only as late as
the scheduler makes it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass


@dataclass(frozen=True)
class LatencyModel:
    """Per-token costs of one simulated GPU at small batch sizes.

    Attributes:
        prefill_ms_per_token: Cost of processing one prompt token.
        decode_ms_per_token: Cost of generating one output token.
    """

    prefill_ms_per_token: float
    decode_ms_per_token: float

    def prefill_s(self, input_tokens: int) -> float:
        """Seconds to process the prompt."""
        return self.prefill_ms_per_token * input_tokens / 1000.0

    def token_ready_s(self, input_tokens: int, index: int) -> float:
        """Seconds after admission at which output token ``index`` (from 0) exists."""
        return self.prefill_s(input_tokens) + self.decode_ms_per_token * (index + 1) / 1000.0

    def total_s(self, input_tokens: int, output_tokens: int) -> float:
        """Seconds after admission at which the whole answer exists."""
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
