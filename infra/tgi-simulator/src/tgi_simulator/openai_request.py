"""Decoding the OpenAI-compatible bodies of ``/v1/chat/completions`` and ``/v1/completions``.

As in TGI, ``temperature: 0`` means greedy decoding (no temperature), ``model``, ``n``,
penalties, ``tools`` and ``response_format`` are accepted and ignored, and a missing
``max_tokens`` falls back to the simulator's ``default_max_new_tokens``.
"""

from __future__ import annotations

from dataclasses import dataclass

from tgi_simulator.body import JsonObject, opt_bool, opt_float, opt_int, opt_object, str_list
from tgi_simulator.chat_template import render_chat
from tgi_simulator.errors import invalid_body, invalid_input
from tgi_simulator.job import SamplingRequest


@dataclass(frozen=True)
class OpenAIOptions:
    """Response-shaping parameters of an OpenAI-style request.

    Attributes:
        stream: Answer as SSE chunks ending with ``data: [DONE]``.
        include_usage: Put ``usage`` in the last chat chunk (``stream_options``).
        logprobs: Return per-token log probabilities (chat only).
    """

    stream: bool = False
    include_usage: bool = False
    logprobs: bool = False


def decode_chat(body: JsonObject) -> tuple[SamplingRequest, OpenAIOptions]:
    """Type-check a chat completion body; the prompt is the templated conversation.

    Raises:
        TgiError: 422 for missing or mistyped fields.
    """
    messages = body.get("messages")
    if not isinstance(messages, list):
        raise invalid_body(
            "missing field `messages`" if messages is None else "messages: expected a sequence"
        )
    max_tokens = opt_int(body, "max_tokens")
    if max_tokens is None:
        max_tokens = opt_int(body, "max_completion_tokens")
    stream_options = opt_object(body, "stream_options") or {}
    options = OpenAIOptions(
        stream=bool(opt_bool(body, "stream")),
        include_usage=bool(opt_bool(stream_options, "include_usage")),
        logprobs=bool(opt_bool(body, "logprobs")),
    )
    return _sampling(body, render_chat(messages), max_tokens), options


def decode_completion(body: JsonObject) -> tuple[list[SamplingRequest], OpenAIOptions]:
    """Type-check a completions body; ``prompt`` may be one string or a list of them.

    Raises:
        TgiError: 422 for a missing ``prompt`` or mistyped fields.
    """
    if body.get("prompt") is None:
        raise invalid_body("missing field `prompt`")
    prompts = str_list(body, "prompt", allow_single=True)
    if not prompts:
        raise invalid_input("`prompt` cannot be empty")
    max_tokens = opt_int(body, "max_tokens")
    options = OpenAIOptions(stream=bool(opt_bool(body, "stream")), include_usage=True)
    return [_sampling(body, prompt, max_tokens) for prompt in prompts], options


def _sampling(body: JsonObject, prompt: str, max_tokens: int | None) -> SamplingRequest:
    temperature = opt_float(body, "temperature")
    seed = opt_int(body, "seed")
    if seed is not None and seed < 0:
        raise invalid_body(f"seed: invalid value: integer `{seed}`, expected u64")
    return SamplingRequest(
        prompt=prompt,
        max_new_tokens=max_tokens,
        seed=seed,
        stop=str_list(body, "stop", allow_single=True),
        temperature=None if temperature == 0 else temperature,
        top_p=opt_float(body, "top_p"),
    )
