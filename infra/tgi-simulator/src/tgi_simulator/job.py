"""The API-neutral request the engine runs, and the checks that produce it.

Every route (``/generate``, ``/v1/chat/completions``, ...) first decodes its body into a
:class:`SamplingRequest` (types only), then :func:`validate` applies TGI's value checks
and limits and fills in defaults, giving a :class:`GenerationJob`. Messages are TGI's
``ValidationError`` texts so clients matching on them behave as against TGI.
"""

from __future__ import annotations

from dataclasses import dataclass

from tgi_simulator.config import SimulatorConfig
from tgi_simulator.errors import invalid_input
from tgi_simulator.tokenizer import count_tokens


@dataclass(frozen=True)
class SamplingRequest:
    """Decoded but unchecked generation parameters (``None`` means not given)."""

    prompt: str
    max_new_tokens: int | None = None
    seed: int | None = None
    stop: tuple[str, ...] = ()
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    truncate: int | None = None


@dataclass(frozen=True)
class GenerationJob:
    """A checked request: what to generate and its token budget.

    Attributes:
        prompt: Full model input.
        input_tokens: Prompt length in simulator tokens (after ``truncate``).
        max_new_tokens: Generation limit, >= 1.
        seed: Sampling seed, if given.
        stop: Stop sequences.
    """

    prompt: str
    input_tokens: int
    max_new_tokens: int
    seed: int | None
    stop: tuple[str, ...]


def validate(request: SamplingRequest, config: SimulatorConfig) -> GenerationJob:
    """Check a request against TGI's rules and the configured limits.

    A missing ``max_new_tokens`` becomes ``config.default_max_new_tokens``, lowered if
    needed to fit ``max_total_tokens``; an explicit one that does not fit is an error.

    Raises:
        TgiError: 422 validation error naming the first broken rule.
    """
    _check_sampling(request, config)
    input_tokens = _input_length(request, config)
    max_new_tokens = request.max_new_tokens
    if max_new_tokens is None:
        max_new_tokens = min(config.default_max_new_tokens, config.max_total_tokens - input_tokens)
    if input_tokens + max_new_tokens > config.max_total_tokens:
        raise invalid_input(
            f"`inputs` tokens + `max_new_tokens` must be <= {config.max_total_tokens}. "
            f"Given: {input_tokens} `inputs` tokens and {max_new_tokens} `max_new_tokens`"
        )
    return GenerationJob(request.prompt, input_tokens, max_new_tokens, request.seed, request.stop)


def _input_length(request: SamplingRequest, config: SimulatorConfig) -> int:
    limit = config.max_input_tokens
    input_tokens = count_tokens(request.prompt)
    if request.truncate is not None:
        if not 0 < request.truncate <= limit:
            raise invalid_input(
                f"`truncate` must be strictly positive and less than {limit}. Given: {request.truncate}"
            )
        input_tokens = min(input_tokens, request.truncate)
    if input_tokens == 0:
        raise invalid_input("`inputs` cannot be empty")
    if input_tokens > limit:
        raise invalid_input(f"`inputs` must have less than {limit} tokens. Given: {input_tokens}")
    return input_tokens


def _check_sampling(request: SamplingRequest, config: SimulatorConfig) -> None:
    if request.temperature is not None and request.temperature <= 0:
        raise invalid_input("`temperature` must be strictly positive")
    if request.top_p is not None and not 0 < request.top_p <= 1:
        raise invalid_input("`top_p` must be > 0.0 and <= 1.0")
    if request.top_k is not None and request.top_k <= 0:
        raise invalid_input("`top_k` must be strictly positive")
    if request.max_new_tokens is not None and request.max_new_tokens <= 0:
        raise invalid_input("`max_new_tokens` must be strictly positive")
    if len(request.stop) > config.max_stop_sequences:
        given = len(request.stop)
        raise invalid_input(
            f"`stop` supports up to {config.max_stop_sequences} stop sequences. Given: {given}"
        )
