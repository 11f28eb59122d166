"""Deterministic text generation: the simulator's "model".

:func:`generate` is a pure function of its arguments. All randomness comes from a hash
of ``(seed, prompt)``, so the same prompt and seed give the same tokens, length and
finish reason on every run, machine and Python version, and different prompts give
different answers. It does no I/O and no timing; pacing is :mod:`tgi_simulator.latency`.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from tgi_simulator.tokenizer import token_id
from tgi_simulator.vocabulary import WORDS

EOS_MIN_FRACTION = 0.4
"""An early end-of-sequence stop never comes before this share of ``max_new_tokens``."""
_WORD_IDS = tuple(token_id(word) for word in WORDS)


class FinishReason(StrEnum):
    """Why generation ended, with TGI's wire values."""

    LENGTH = "length"
    EOS_TOKEN = "eos_token"
    STOP_SEQUENCE = "stop_sequence"

    @property
    def openai(self) -> str:
        """The OpenAI-compatible value TGI reports on its ``/v1`` routes."""
        return "length" if self is FinishReason.LENGTH else "stop"


@dataclass(frozen=True)
class Token:
    """One generated token as TGI reports it (``details.tokens[i]``)."""

    id: int
    text: str
    logprob: float
    special: bool = False


@dataclass(frozen=True)
class Generation:
    """The complete output of one request."""

    tokens: tuple[Token, ...]
    finish_reason: FinishReason

    @property
    def text(self) -> str:
        """The generated text: the token texts joined (they carry their own spaces)."""
        return "".join(token.text for token in self.tokens)


def generate(
    prompt: str,
    *,
    max_new_tokens: int,
    seed: int | None = None,
    stop: Sequence[str] = (),
    eos_probability: float = 0.0,
) -> Generation:
    """Produce the simulated answer to ``prompt``.

    Each token is one vocabulary word (with a leading space after the first). With
    probability ``eos_probability`` (decided by the hash, not by chance) the answer ends
    early at an end-of-sequence token, after between 40% and 100% of ``max_new_tokens``;
    otherwise it runs to exactly ``max_new_tokens``. A stop sequence ends it as soon as
    the text generated so far ends with that sequence, which stays in the text (as TGI
    does); empty stop strings are ignored.

    Args:
        prompt: The full model input (for chat, the templated conversation).
        max_new_tokens: Upper bound on generated tokens, at least 1.
        seed: Sampling seed; ``None`` is a valid seed of its own.
        stop: Stop sequences.
        eos_probability: Share of prompts that stop early, in [0, 1].

    Returns:
        The tokens and why generation ended.

    Raises:
        ValueError: ``max_new_tokens`` is below 1.
    """
    if max_new_tokens < 1:
        raise ValueError("max_new_tokens must be >= 1")
    key = hashlib.blake2b(f"{seed}\x1f{prompt}".encode(), digest_size=16).digest()
    length, early = _planned_length(key, max_new_tokens, eos_probability)
    stops = [s for s in stop if s]
    tokens: list[Token] = []
    text = ""
    for index in range(length):
        token = _token(key, index)
        tokens.append(token)
        text += token.text
        if any(text.endswith(s) for s in stops):
            return Generation(tuple(tokens), FinishReason.STOP_SEQUENCE)
    return Generation(tuple(tokens), FinishReason.EOS_TOKEN if early else FinishReason.LENGTH)


def _planned_length(key: bytes, max_new_tokens: int, eos_probability: float) -> tuple[int, bool]:
    """Length before any stop sequence, and whether it ends at an early EOS."""
    if _unit(key, "eos", 0) >= eos_probability:
        return max_new_tokens, False
    low = max(1, math.ceil(EOS_MIN_FRACTION * max_new_tokens))
    span = max_new_tokens - low + 1
    return min(max_new_tokens, low + math.floor(_unit(key, "len", 0) * span)), True


def _token(key: bytes, index: int) -> Token:
    word_u, logprob_u = _units(key, "token", index)
    word = math.floor(word_u * len(WORDS))
    text = WORDS[word] if index == 0 else f" {WORDS[word]}"
    return Token(id=_WORD_IDS[word], text=text, logprob=-round(3.0 * logprob_u**2, 4))


def _unit(key: bytes, label: str, index: int) -> float:
    """A hash-derived number in [0, 1), independent for every (label, index)."""
    return _units(key, label, index)[0]


def _units(key: bytes, label: str, index: int) -> tuple[float, float]:
    """Two independent hash-derived numbers in [0, 1) from one keyed hash."""
    digest = hashlib.blake2b(f"{label}:{index}".encode(), key=key, digest_size=16).digest()
    return int.from_bytes(digest[:8], "big") / 2**64, int.from_bytes(digest[8:], "big") / 2**64
