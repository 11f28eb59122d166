"""TGI's native response shapes, as ``huggingface_hub`` 2.4 parses them.

``/generate`` answers ``{"generated_text", "details"?}`` (``TextGenerationOutput``);
each ``/generate_stream`` event is ``{"index", "token", "generated_text", "details"}``
(``TextGenerationStreamOutput``), where only the last event has ``generated_text`` and,
if ``details`` was asked, ``details`` (``finish_reason``, ``generated_tokens``, ``seed``,
``input_length``). Indices count from 1, as in TGI.
"""

from __future__ import annotations

from typing import Any

from tgi_simulator.engine import Run
from tgi_simulator.errors import TgiError
from tgi_simulator.generation import Token
from tgi_simulator.sse import event
from tgi_simulator.tgi_request import TgiOptions
from tgi_simulator.tokenizer import token_id, tokenize

COMPUTE_TYPE = "gpu+optimized"
"""TGI's default ``x-compute-type`` header value."""


def token_json(token: Token) -> dict[str, Any]:
    """One ``details.tokens`` entry."""
    return {"id": token.id, "text": token.text, "logprob": token.logprob, "special": token.special}


def prefill_json(prompt: str, input_tokens: int) -> list[dict[str, Any]]:
    """``details.prefill``: the (possibly left-truncated) prompt tokens; the first has no logprob."""
    pieces = tokenize(prompt)[-input_tokens:]
    return [
        {"id": token_id(piece), "text": piece, "logprob": None if i == 0 else -1.0}
        for i, piece in enumerate(pieces)
    ]


def generate_response(run: Run, options: TgiOptions) -> dict[str, Any]:
    """The ``/generate`` body for a finished run."""
    body: dict[str, Any] = {"generated_text": _output_text(run, options)}
    if options.details or options.decoder_input_details:
        prefill = prefill_json(run.job.prompt, run.job.input_tokens) if options.decoder_input_details else []
        body["details"] = {
            "finish_reason": run.generation.finish_reason.value,
            "generated_tokens": len(run.generation.tokens),
            "seed": run.job.seed,
            "prefill": prefill,
            "tokens": [token_json(token) for token in run.generation.tokens],
        }
    return body


def stream_token(run: Run, index: int, token: Token, options: TgiOptions) -> dict[str, Any]:
    """The ``/generate_stream`` event for token ``index`` (from 0)."""
    last = index == len(run.generation.tokens) - 1
    details = None
    if last and options.details:
        details = {
            "finish_reason": run.generation.finish_reason.value,
            "generated_tokens": len(run.generation.tokens),
            "seed": run.job.seed,
            "input_length": run.job.input_tokens,
        }
    return {
        "index": index + 1,
        "token": token_json(token),
        "generated_text": _output_text(run, options) if last else None,
        "details": details,
    }


def timing_headers(run: Run, characters: int) -> dict[str, str]:
    """TGI's ``x-*`` timing headers of a finished non-streaming request (times in ms)."""
    finished = run.finished if run.finished is not None else run.admitted
    generated = max(1, len(run.generation.tokens))
    return {
        "x-compute-type": COMPUTE_TYPE,
        "x-compute-time": str(finished - run.arrived),
        "x-compute-characters": str(characters),
        "x-total-time": str(round((finished - run.arrived) * 1000)),
        "x-validation-time": "0",
        "x-queue-time": str(round((run.admitted - run.arrived) * 1000)),
        "x-inference-time": str(round((finished - run.admitted) * 1000)),
        "x-time-per-token": str(round((finished - run.admitted) * 1000 / generated)),
        "x-prompt-tokens": str(run.job.input_tokens),
        "x-generated-tokens": str(len(run.generation.tokens)),
    }


class TgiEvents:
    """:class:`~tgi_simulator.streaming.EventFormat` of ``/generate_stream``."""

    def __init__(self, options: TgiOptions) -> None:
        """Shape events according to the request's options."""
        self._options = options

    def token_event(self, run: Run, index: int, token: Token) -> bytes:
        """A token event (the last one carries the text and details)."""
        return event(stream_token(run, index, token, self._options), spaced=False)

    def error_event(self, error: TgiError) -> bytes:
        """A TGI error event."""
        return event(error.payload(), spaced=False)

    def closing(self) -> bytes:
        """Nothing: TGI's native stream has no ``[DONE]`` marker."""
        return b""


def _output_text(run: Run, options: TgiOptions) -> str:
    text = run.generation.text
    return run.job.prompt + text if options.return_full_text else text
