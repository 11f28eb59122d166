"""Configuration of one simulated TGI server.

Every field is a plain ``int``, ``float`` or ``str`` with a default of that type:
:mod:`tgi_simulator.cli` derives one command-line option and one ``TGI_SIM_*``
environment variable per field from this, so a new knob needs no CLI code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SimulatorConfig:
    """What the simulator serves, how fast, and within which limits.

    The defaults describe a 7-8B model in fp16 on one A10G/A100-class GPU at small batch
    sizes, with TGI's own router defaults for the limits.

    Attributes:
        model_id: Reported by ``/info`` and in OpenAI responses.
        host: Interface to listen on.
        port: TCP port (0 picks a free one).
        prefill_ms_per_token: Prompt processing cost per input token.
        decode_ms_per_token: Duration of one decode step with one request in the batch.
        decode_ms_per_batched_request: What each further request in the batch adds to a
            decode step (continuous batching: steps slow down as the batch grows).
        max_concurrent_requests: Requests generating at once (TGI's default 128); more wait.
        max_queue: Requests allowed to wait for a slot; beyond it answers 429 (0: never wait).
        max_input_tokens: Longest accepted prompt, in simulator tokens.
        max_total_tokens: Limit on prompt plus ``max_new_tokens``.
        max_batch_total_tokens: Token budget of the running batch (input + ``max_new_tokens``
            of each request); a request that does not fit waits in the queue.
        max_stop_sequences: Most stop sequences one request may give (TGI's default 4).
        max_client_batch_size: Most prompts in one ``/v1/completions`` request.
        default_max_new_tokens: Used when a request gives no token limit.
        eos_probability: Share of requests that stop early at an end-of-sequence token.
        version: TGI version reported by ``/info`` and in ``system_fingerprint``.
    """

    model_id: str = "tgi-simulator/sim-8b-instruct"
    host: str = "127.0.0.1"
    port: int = 8090
    prefill_ms_per_token: float = 0.15
    decode_ms_per_token: float = 12.0
    decode_ms_per_batched_request: float = 0.2
    max_concurrent_requests: int = 128
    max_queue: int = 1024
    max_input_tokens: int = 4095
    max_total_tokens: int = 4096
    max_batch_total_tokens: int = 16384
    max_stop_sequences: int = 4
    max_client_batch_size: int = 4
    default_max_new_tokens: int = 20
    eos_probability: float = 0.3
    version: str = "3.3.4"

    def __post_init__(self) -> None:
        """Reject settings no real server could have.

        Raises:
            ValueError: A limit is not positive, a cost is negative, the token limits
                contradict each other, or ``eos_probability`` is outside [0, 1].
        """
        problems = [
            *_positive(self, "max_concurrent_requests", "max_input_tokens", "max_total_tokens"),
            *_positive(self, "max_batch_total_tokens", "max_client_batch_size", "default_max_new_tokens"),
            *_non_negative(self, "prefill_ms_per_token", "decode_ms_per_token", "max_queue", "port"),
            *_non_negative(self, "decode_ms_per_batched_request"),
            *_non_negative(self, "max_stop_sequences"),
        ]
        if self.max_input_tokens >= self.max_total_tokens:
            problems.append("max_input_tokens must be < max_total_tokens")
        if not 0.0 <= self.eos_probability <= 1.0:
            problems.append("eos_probability must be within [0, 1]")
        if problems:
            raise ValueError("; ".join(problems))


def _positive(config: SimulatorConfig, *names: str) -> list[str]:
    return [f"{name} must be > 0" for name in names if getattr(config, name) <= 0]


def _non_negative(config: SimulatorConfig, *names: str) -> list[str]:
    return [f"{name} must be >= 0" for name in names if getattr(config, name) < 0]
