"""OpenAI-compatible response shapes, as TGI's ``/v1`` routes produce them.

Like TGI: ``id`` is empty, ``system_fingerprint`` is ``<version>-<docker_label>``,
finish reasons are ``length`` or ``stop``, every chat chunk's ``delta`` has the
``assistant`` role, and the last chunk carries the finish reason (and ``usage`` when
asked with ``stream_options.include_usage``; always for ``/v1/completions``).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from tgi_simulator.config import SimulatorConfig
from tgi_simulator.engine import Run
from tgi_simulator.generation import Token

DOCKER_LABEL = "tgi-simulator"
"""Reported as ``/info``'s ``docker_label``, so clients can tell the simulator apart."""


def fingerprint(config: SimulatorConfig) -> str:
    """The ``system_fingerprint`` value."""
    return f"{config.version}-{DOCKER_LABEL}"


def usage(runs: Sequence[Run]) -> dict[str, int]:
    """Token usage summed over the runs of one request."""
    prompt = sum(run.job.input_tokens for run in runs)
    completion = sum(len(run.generation.tokens) for run in runs)
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def envelope(config: SimulatorConfig, kind: str) -> dict[str, Any]:
    """The fields every chat or completion object starts with."""
    return {
        "object": kind,
        "id": "",
        "created": int(time.time()),
        "model": config.model_id,
        "system_fingerprint": fingerprint(config),
    }


def logprobs_json(tokens: Sequence[Token]) -> dict[str, Any]:
    """Chat ``logprobs``: one entry per token, without alternatives."""
    return {"content": [{"token": t.text, "logprob": t.logprob, "top_logprobs": []} for t in tokens]}


def chat_completion(config: SimulatorConfig, run: Run, logprobs: bool) -> dict[str, Any]:
    """The non-streaming ``/v1/chat/completions`` body."""
    choice = {
        "index": 0,
        "message": {"role": "assistant", "content": run.generation.text},
        "logprobs": logprobs_json(run.generation.tokens) if logprobs else None,
        "finish_reason": run.generation.finish_reason.openai,
    }
    return {**envelope(config, "chat.completion"), "choices": [choice], "usage": usage([run])}


def chat_chunk(
    config: SimulatorConfig, run: Run, index: int, token: Token, *, logprobs: bool, with_usage: bool
) -> dict[str, Any]:
    """The streaming chunk for token ``index``; the last one closes the choice."""
    last = index == len(run.generation.tokens) - 1
    choice = {
        "index": 0,
        "delta": {"role": "assistant", "content": token.text},
        "logprobs": logprobs_json([token]) if logprobs else None,
        "finish_reason": run.generation.finish_reason.openai if last else None,
    }
    chunk_usage = usage([run]) if last and with_usage else None
    return {**envelope(config, "chat.completion.chunk"), "choices": [choice], "usage": chunk_usage}


def completion(config: SimulatorConfig, runs: Sequence[Run]) -> dict[str, Any]:
    """The non-streaming ``/v1/completions`` body, one choice per prompt."""
    choices = [
        {
            "index": i,
            "text": run.generation.text,
            "logprobs": None,
            "finish_reason": run.generation.finish_reason.openai,
        }
        for i, run in enumerate(runs)
    ]
    return {**envelope(config, "text_completion"), "choices": choices, "usage": usage(runs)}


def completion_chunk(config: SimulatorConfig, run: Run, index: int, token: Token) -> dict[str, Any]:
    """The streaming ``/v1/completions`` chunk for token ``index``; the last has ``usage``."""
    last = index == len(run.generation.tokens) - 1
    choice = {
        "index": 0,
        "text": token.text,
        "logprobs": None,
        "finish_reason": run.generation.finish_reason.openai if last else None,
    }
    body = {**envelope(config, "text_completion"), "choices": [choice]}
    if last:
        body["usage"] = usage([run])
    return body
