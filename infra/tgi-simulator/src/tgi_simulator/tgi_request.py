"""Decoding and checking TGI's native request body.

Body: ``{"inputs": str, "parameters": {...}, "stream": bool}`` (``stream`` only matters
on ``POST /``). Parameters the simulator cannot act on (``do_sample``,
``repetition_penalty``, ``watermark``, ``grammar``, ...) are accepted and ignored, as a
model would simply sample differently.
"""

from __future__ import annotations

from dataclasses import dataclass

from tgi_simulator.body import JsonObject, opt_bool, opt_float, opt_int, opt_object, required_str, str_list
from tgi_simulator.config import SimulatorConfig
from tgi_simulator.errors import invalid_body, invalid_input
from tgi_simulator.job import GenerationJob, SamplingRequest, validate


@dataclass(frozen=True)
class TgiOptions:
    """Response-shaping parameters of a TGI request.

    Attributes:
        details: Include ``details`` (tokens, finish reason, seed).
        decoder_input_details: Include the prompt tokens as ``details.prefill``.
        return_full_text: Prefix ``generated_text`` with the prompt.
        stream: Answer as SSE (``POST /`` only; the stream route sets it).
        best_of: Sequences to sample; only 1 is simulated.
    """

    details: bool = False
    decoder_input_details: bool = False
    return_full_text: bool = False
    stream: bool = False
    best_of: int | None = None


def decode_generate(body: JsonObject) -> tuple[SamplingRequest, TgiOptions]:
    """Type-check a TGI body into sampling parameters and response options.

    Raises:
        TgiError: 422 for a missing ``inputs`` or a field of the wrong type.
    """
    inputs = required_str(body, "inputs")
    params = opt_object(body, "parameters") or {}
    seed = opt_int(params, "seed")
    if seed is not None and seed < 0:
        raise invalid_body(f"seed: invalid value: integer `{seed}`, expected u64")
    sampling = SamplingRequest(
        prompt=inputs,
        max_new_tokens=opt_int(params, "max_new_tokens"),
        seed=seed,
        stop=str_list(params, "stop"),
        temperature=opt_float(params, "temperature"),
        top_p=opt_float(params, "top_p"),
        top_k=opt_int(params, "top_k"),
        truncate=opt_int(params, "truncate"),
    )
    options = TgiOptions(
        details=bool(opt_bool(params, "details")),
        decoder_input_details=bool(opt_bool(params, "decoder_input_details")),
        return_full_text=bool(opt_bool(params, "return_full_text")),
        stream=bool(opt_bool(body, "stream")),
        best_of=opt_int(params, "best_of"),
    )
    return sampling, options


def checked_job(sampling: SamplingRequest, options: TgiOptions, config: SimulatorConfig) -> GenerationJob:
    """Apply TGI's validation, including its streaming restrictions.

    Raises:
        TgiError: 422 validation error.
    """
    if options.best_of is not None and options.best_of != 1:
        if options.stream:
            raise invalid_input("`best_of` != 1 is not supported when streaming tokens")
        raise invalid_input("`best_of` != 1 is not supported by the simulator")
    if options.stream and options.decoder_input_details:
        raise invalid_input("`decoder_input_details` == true is not supported when streaming tokens")
    return validate(sampling, config)
